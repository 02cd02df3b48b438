/** Console helpers for operators: progress bars for long work, the time arguments of every command. */
package dev.streamrec.console;
