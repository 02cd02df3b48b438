/**
 * Scoring with an exported model through ONNX Runtime, for the trainer's evaluation and the streams
 * app's scorer alike.
 *
 * <ul>
 *   <li>{@link dev.streamrec.onnx.ModelArtifact}: finds and verifies an artifact directory
 *       (manifest, sha256 of {@code model.onnx}, contract version and signature);</li>
 *   <li>{@link dev.streamrec.onnx.RecommenderSession}: the {@code OrtSession} wrapper: device
 *       choice (auto / cpu / cuda), contract check against the graph, golden-input check, the two
 *       scoring modes for a batch; thread-safe, {@code AutoCloseable};</li>
 *   <li>input/output transforms, kept apart from the session: {@link dev.streamrec.onnx.HistoryEncoder}
 *       (user histories to {@link dev.streamrec.onnx.ModelInput} tensors) and
 *       {@link dev.streamrec.onnx.TopItems#ranked} (output tensors to ranked items).</li>
 * </ul>
 *
 * <p>Typical use (what a hot-swapping scorer does off its processing threads):
 * <pre>{@code
 * ModelArtifact artifact = ModelArtifact.load(dir);                 // sha256 + contract checked
 * try (RecommenderSession s = RecommenderSession.open(artifact, SessionSettings.defaults())) {
 *     // open() already replayed the golden input; swap it in only now
 *     ModelInput in = HistoryEncoder.encode(List.of(history), new long[] {now}, artifact.manifest().maxHistory());
 *     TopItems top = s.topItems(in, new String[][] {alreadyPurchased}, 20);
 *     List<ScoredItem> recs = top.ranked(0);
 * }
 * }</pre>
 */
package dev.streamrec.onnx;
