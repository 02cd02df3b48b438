/**
 * The command line ({@code trainer train | serve | evaluate}, picocli, {@code --help} on each) and
 * its option groups; commands only parse, build settings and call the service package.
 */
package dev.streamrec.trainer.cli;
