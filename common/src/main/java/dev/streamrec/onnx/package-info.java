/**
 * The one ONNX Runtime layer of the project, used by the trainer's evaluation and the streams app's
 * scorer alike, so that both accept, refuse and score a model the same way.
 *
 * <ul>
 *   <li>{@link dev.streamrec.onnx.ModelArtifact}: finds and verifies an artifact directory
 *       (manifest, sha256 of {@code model.onnx}, contract version and signature), failing with a
 *       typed {@link dev.streamrec.onnx.ModelLoadException.Reason};</li>
 *   <li>{@link dev.streamrec.onnx.SessionFactory}: the device choice (auto / cpu / cuda, CUDA
 *       fallback remembered per factory, GPU memory limit) and session options; one instance is
 *       injected wherever models are opened;</li>
 *   <li>{@link dev.streamrec.onnx.RecommenderSession}: the {@code OrtSession} wrapper: contract
 *       check against the graph, golden input, warm-up, the two scoring modes on flat batches with
 *       pooled direct buffers; thread-safe, {@code AutoCloseable};</li>
 *   <li>input/output transforms, kept apart from the session: {@link dev.streamrec.onnx.HistoryEncoder}
 *       (user histories to {@link dev.streamrec.onnx.HistoryBatch} tensors),
 *       {@link dev.streamrec.onnx.ItemRows} (candidate or exclusion ids) and
 *       {@link dev.streamrec.onnx.TopItems#ranked} (output tensors to ranked items; the app's
 *       {@code RankingDecoder} is its serving counterpart).</li>
 * </ul>
 *
 * <p>Typical use (what a hot-swapping scorer does off its processing threads):
 * <pre>{@code
 * SessionFactory sessions = new SessionFactory(SessionSettings.defaults());  // one per process
 * ModelArtifact artifact = ModelArtifact.load(dir);                         // sha256 + contract checked
 * try (RecommenderSession s = sessions.open(artifact)) {                    // graph signature checked
 *     s.verifyGolden();                                                     // swap it in only after this
 *     HistoryBatch in = HistoryEncoder.encode(List.of(history), new long[] {now}, s.maxHistory());
 *     TopItems top = s.topItems(in, ItemRows.padded(List.of(alreadyPurchased)), 20);
 *     List<TopItems.ScoredItem> recs = top.ranked(0);
 * }
 * }</pre>
 */
package dev.streamrec.onnx;
