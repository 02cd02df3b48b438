/** Console helpers for operators: progress bars for long work, the time arguments of every command, and the one-line error of a command ({@link dev.streamrec.console.CommandError}). */
package dev.streamrec.console;
