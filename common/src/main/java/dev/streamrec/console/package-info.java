/** Console helpers for operators: progress bars for long work. */
package dev.streamrec.console;
