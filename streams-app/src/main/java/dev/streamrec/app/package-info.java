/**
 * The streams application's bootstrap ({@link dev.streamrec.app.Application#start}) and its command
 * line ({@code Main}, owned by the CLI).
 */
package dev.streamrec.app;
