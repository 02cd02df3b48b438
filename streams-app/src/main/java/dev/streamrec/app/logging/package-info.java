/** What the app's log leaves out: Kafka client warnings that say nothing an operator can act on. */
package dev.streamrec.app.logging;
