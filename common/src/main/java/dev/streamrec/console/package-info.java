/** Console helpers for operators: progress bars for long work, the time arguments of every command, the one-line error of a command ({@link dev.streamrec.console.CommandError}), range checks of options as usage errors ({@link dev.streamrec.console.OptionRules}), and the orderly stop on Ctrl-C/SIGTERM ({@link dev.streamrec.console.StopSignals}). */
package dev.streamrec.console;
