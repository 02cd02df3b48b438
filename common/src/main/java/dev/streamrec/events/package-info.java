/** Sources of user events: the shopper simulator and the CSV / MovieLens reader. */
package dev.streamrec.events;
