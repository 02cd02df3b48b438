/**
 * Scoring with ONNX Runtime ({@code onnxruntime_gpu}): the CUDA execution provider when the host
 * has a usable GPU, else the CPU, per {@code streamrec.scoring.device = auto | cpu | cuda}.
 *
 * <ul>
 *   <li>the session itself is the shared ONNX layer of {@code dev.streamrec.onnx}
 *       ({@code RecommenderSession}, opened by the one {@code SessionFactory} bean that owns the
 *       device choice);</li>
 *   <li>this app's transforms around it: {@link dev.streamrec.app.scoring.RequestEncoder} (requests to
 *       flat tensors, rounded to few shapes) and {@link dev.streamrec.app.scoring.RankingDecoder}
 *       (scores to ranked items with their reasons);</li>
 *   <li>{@link dev.streamrec.app.scoring.BatchScorer}: the batched API (many users, one call),
 *       with the heuristic fallback; {@link dev.streamrec.app.scoring.ModelRanker}: the topology's
 *       {@code Ranker} on top of it;</li>
 *   <li>{@link dev.streamrec.app.scoring.ScoringMetrics}: the {@code streamrec_scoring_*} and
 *       {@code streamrec_model_*} meters.</li>
 * </ul>
 * The model to use comes from a {@link dev.streamrec.app.scoring.ModelSource} as a
 * {@link dev.streamrec.app.scoring.ModelLease}; hot-swapping lives in {@code dev.streamrec.app.model}. The scorer
 * benchmark ({@code streamrec.jar bench-scorer}) lives in the launcher module, which may use the trainer.
 */
package dev.streamrec.app.scoring;
