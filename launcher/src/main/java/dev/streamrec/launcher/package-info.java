/**
 * The one command line of the project ({@code java -jar launcher/target/streamrec.jar <command>}):
 * {@link dev.streamrec.launcher.Launcher} puts the streams app's, the ops tools' and the trainer's
 * commands together with the ones that need both apps. Those live in this module too, in the
 * packages they always had ({@code dev.streamrec.app.cli.DevCommand}, {@code BenchCommand},
 * {@code dev.streamrec.app.scoring.ScorerBenchCommand}), so that the streams app itself does not
 * depend on the trainer.
 */
package dev.streamrec.launcher;
