/**
 * One evaluator for every model and baseline: leave-last-out ranking of the held-out item against
 * its sampled negatives (HR@10, NDCG@10, ties counted half) and full ranking over the whole
 * catalogue minus the user's history (Recall@20, MRR@20), on the same cases. Trained models are
 * scored through their exported ONNX file ({@link dev.streamrec.trainer.eval.OnnxScorer}); the
 * baselines are popularity and recency-weighted item co-occurrence.
 */
package dev.streamrec.trainer.eval;
