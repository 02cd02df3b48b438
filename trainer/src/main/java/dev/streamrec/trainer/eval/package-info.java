/**
 * One evaluator for every model and baseline ({@link dev.streamrec.trainer.eval.Evaluator}): full
 * ranking over the whole catalogue minus what the {@link dev.streamrec.trainer.eval.ExclusionPolicy}
 * removes (HR@5/10/20, NDCG@5/10/20, MRR@20) and sampled ranking among each case's negatives (HR@10,
 * NDCG@10), ties at their expected value under random tie-breaking, on the same cases.
 *
 * <p>Every scorer goes through the same flow ({@link dev.streamrec.trainer.eval.Evaluation}): a
 * {@link dev.streamrec.trainer.eval.ScorerFactory} selects on the validation split, fits on all
 * training data, and the result is tested once. Trained models are tested through their exported ONNX
 * file ({@link dev.streamrec.trainer.eval.OnnxScorer}); the baselines of the amazon-beauty README
 * ({@link dev.streamrec.trainer.eval.Baselines}) are {@link dev.streamrec.trainer.eval.DenseScorer}s
 * over primitive arrays.
 */
package dev.streamrec.trainer.eval;
