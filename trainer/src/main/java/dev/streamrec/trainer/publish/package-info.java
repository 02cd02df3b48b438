/**
 * The last step of a run: the quality gate (a new model versus the current one on the same
 * holdout, with a tolerance) and the {@code ModelPublished} announcement on {@code model-updates}.
 */
package dev.streamrec.trainer.publish;
