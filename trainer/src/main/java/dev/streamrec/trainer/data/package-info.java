/**
 * Where training data comes from and how it is shaped: user events read from Kafka (all of a
 * topic or a time window) or from the importer's CSV formats, grouped into each user's
 * time-ordered sequence; the holdout splits, and the {@link dev.streamrec.trainer.data.Splits}
 * (validation and test, one {@link dev.streamrec.trainer.data.Catalogue}) every evaluated scorer
 * learns from.
 */
package dev.streamrec.trainer.data;
