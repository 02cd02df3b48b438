/** The {@code experiment} commands: the report over the topics and the replay of a dataset through an embedded pipeline. */
package dev.streamrec.launcher.experiment;
