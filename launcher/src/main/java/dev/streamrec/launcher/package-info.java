/**
 * The one command line of the project ({@code java -jar launcher/target/streamrec.jar <command>}):
 * {@link dev.streamrec.launcher.Launcher} puts the streams app's, the ops tools' and the trainer's
 * commands together with the ones that need both apps, which live in this module so that the streams
 * app itself does not depend on the trainer: {@code dev} ({@link dev.streamrec.launcher.dev}) and the
 * benchmarks ({@link dev.streamrec.launcher.bench}). Each package lives in one module only.
 */
package dev.streamrec.launcher;
