/**
 * Training on the CPU: next-item examples from every prefix of every user's sequence, sampled
 * softmax against shared uniform negatives, Adam with L2, mini-batches split into a fixed number of
 * shards computed in parallel and summed in a fixed order (so a seed gives the same model on any
 * number of cores), and early stopping on a time-based validation split. {@link dev.streamrec.trainer.train.Cancellation}
 * ends a retrain at its next batch once its thread is interrupted.
 */
package dev.streamrec.trainer.train;
