/**
 * Where training data comes from and how it is shaped: user events read from Kafka (all of a
 * topic or a time window) or from the importer's CSV formats, grouped into each user's
 * time-ordered sequence, and the time-based holdout splits used for validation and evaluation.
 */
package dev.streamrec.trainer.data;
