package dev.streamrec.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelLoadException.Reason;

/**
 * The one wrapper of an ONNX Runtime session over a verified {@link ModelArtifact}, for the
 * trainer's evaluation and the streams app's scorer alike: the contract's two scoring modes on flat
 * batches, and the checks a model passes before it is trusted (graph signature, golden input,
 * warm-up). Opened by a {@link SessionFactory}, which chooses the device. A model holder:
 * {@link #close()} frees the native session; a hot-swapping owner closes it only after the last
 * in-flight call returned.
 * <ul>
 *   <li>{@link #scoreCandidates}: a score per given candidate ({@link ModelContract#SCORES}); a
 *       candidate outside the vocabulary scores {@link ModelContract#UNKNOWN_ITEM_SCORE};</li>
 *   <li>{@link #topItems}: the best {@code k} items of the whole catalogue, excluded items never
 *       among them unless fewer remain ({@link ModelContract#TOP_ITEMS}, {@link ModelContract#TOP_SCORES}).</li>
 * </ul>
 * Each call asks ONNX Runtime only for its mode's outputs, and the other mode's inputs get a
 * {@code [B, 1]} padding tensor, as the contract says. Inputs and outputs are plain arrays:
 * turning histories into them ({@link HistoryEncoder}) and scores into ranked items
 * ({@link TopItems#ranked}, the app's decoder) happens outside.
 *
 * <p>Hot path: ONNX Runtime's Java API copies string tensors (item ids) into native memory on
 * every call, but numeric inputs and outputs can live in direct buffers that a tensor wraps without
 * copying. So each distinct call shape gets a {@link Workspace}: direct buffers for the type codes,
 * ages and {@code k}, the {@code [B, 1]} padding tensor of the unused mode's input, and a pinned
 * float output ({@code scores} or {@code top_scores}) that ONNX Runtime writes into. Workspaces are
 * pooled per shape (one thread uses one at a time) up to {@value #MAX_WORKSPACES}; rarer shapes
 * get a throw-away one.
 *
 * <p>Thread-safe: ONNX Runtime allows concurrent {@code run} calls on one session.
 */
public final class RecommenderSession implements AutoCloseable {

    private static final float GOLDEN_TOLERANCE = 1e-3f;
    static final int MAX_WORKSPACES = 64;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelArtifact artifact;
    private final String device;
    private final int maxHistory;
    private final int catalogRows;
    private final Map<Shape, Queue<Workspace>> pool = new ConcurrentHashMap<>();
    private final AtomicInteger pooled = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private RecommenderSession(OrtEnvironment env, OrtSession session, ModelArtifact artifact, String device) {
        this.env = env;
        this.session = session;
        this.artifact = artifact;
        this.device = device;
        this.maxHistory = Math.max(1, artifact.manifest().maxHistory());
        this.catalogRows = artifact.manifest().vocabularySize() + 1; // row 0: unknown/padding
    }

    /** Wraps a freshly opened session and checks its signature (closing it when that fails). */
    static RecommenderSession checked(OrtEnvironment env, OrtSession session, ModelArtifact artifact, String device) {
        RecommenderSession opened = new RecommenderSession(env, session, artifact, device);
        try {
            opened.checkSignature();
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    public ModelArtifact artifact() {
        return artifact;
    }

    public ModelManifest manifest() {
        return artifact.manifest();
    }

    /** {@value SessionFactory#CPU} or {@value SessionFactory#CUDA}. */
    public String device() {
        return device;
    }

    /** Columns of the history tensors this model reads. */
    public int maxHistory() {
        return maxHistory;
    }

    /** Rows of the graph's catalogue matrix (vocabulary + the unknown row): the most full-catalog mode can return. */
    public int catalogRows() {
        return catalogRows;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Candidate mode: scores {@code [rows * width]}, row-major, for {@code candidates} (same layout;
     * padding ids score {@link ModelContract#UNKNOWN_ITEM_SCORE}).
     */
    public float[] scoreCandidates(HistoryBatch history, ItemRows candidates) {
        checkRows(history, candidates, "candidates");
        int width = candidates.width();
        Workspace ws = borrow(new Shape(ScoringMode.CANDIDATES, history.rows(), history.length(), width));
        try (OnnxTensor items = strings(history.items(), history.rows(), history.length());
             OnnxTensor cands = strings(candidates.ids(), history.rows(), width)) {
            ws.fill(history, 1);
            Map<String, OnnxTensor> inputs = ws.inputs(items);
            inputs.put(ModelContract.CANDIDATES, cands);
            inputs.put(ModelContract.EXCLUDE, ws.padding);
            try (OrtSession.Result ignored = session.run(inputs, Set.of(), Map.of(ModelContract.SCORES, ws.output))) {
                float[] out = new float[history.rows() * width];
                ws.outputBuffer.get(0, out);
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("candidate scoring of " + history.rows() + " x " + width + " failed for model "
                    + manifest().name() + " " + manifest().version() + " on " + device + ": "
                    + OrtSupport.firstLine(e.getMessage()), e);
        } finally {
            giveBack(ws);
        }
    }

    /**
     * Full-catalog mode: the best {@code min(k, catalogRows)} items per row, never one of that row's
     * {@code exclude} ids while others remain.
     */
    public TopItems topItems(HistoryBatch history, ItemRows exclude, int k) {
        checkRows(history, exclude, "exclude");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        int effectiveK = Math.min(k, catalogRows); // the graph clamps k the same way
        Workspace ws = borrow(new Shape(ScoringMode.FULL, history.rows(), history.length(), effectiveK));
        try (OnnxTensor items = strings(history.items(), history.rows(), history.length());
             OnnxTensor excl = strings(exclude.ids(), history.rows(), exclude.width())) {
            ws.fill(history, effectiveK);
            Map<String, OnnxTensor> inputs = ws.inputs(items);
            inputs.put(ModelContract.CANDIDATES, ws.padding);
            inputs.put(ModelContract.EXCLUDE, excl);
            try (OrtSession.Result r = session.run(inputs, Set.of(ModelContract.TOP_ITEMS),
                    Map.of(ModelContract.TOP_SCORES, ws.output))) {
                String[][] top = (String[][]) r.get(ModelContract.TOP_ITEMS).orElseThrow().getValue();
                float[] scores = new float[history.rows() * effectiveK];
                ws.outputBuffer.get(0, scores);
                return new TopItems(top, scores, effectiveK);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("full-catalog scoring of " + history.rows() + " rows failed for model "
                    + manifest().name() + " " + manifest().version() + " on " + device + ": "
                    + OrtSupport.firstLine(e.getMessage()), e);
        } finally {
            giveBack(ws);
        }
    }

    /**
     * Replays the manifest's golden history in both modes: the top items must be those recorded at
     * export with scores within 1e-3 (relative above 1), every score finite, the shapes {@code [1, k]},
     * and candidate mode must give those items the same scores.
     *
     * @throws ModelLoadException GOLDEN_MISMATCH otherwise
     */
    public void verifyGolden() {
        ModelManifest.Golden g = manifest().golden();
        String where = "golden input of model " + manifest().name() + " " + manifest().version() + " ("
                + artifact.directory() + ")";
        if (g == null || g.topItems() == null || g.topItems().isEmpty() || g.historyItems() == null) {
            throw new ModelLoadException(Reason.GOLDEN_MISMATCH, where + ": the manifest has none");
        }
        int k = g.topItems().size();
        HistoryBatch history;
        try {
            history = HistoryBatch.single(g.historyItems(), g.historyTypes(), g.historyAges());
        } catch (RuntimeException e) {
            throw new ModelLoadException(Reason.GOLDEN_MISMATCH, where + ": " + e.getMessage(), e);
        }
        TopItems top;
        float[] candidateScores;
        try {
            top = topItems(history, ItemRows.padding(1, 1), k);
            candidateScores = scoreCandidates(history, ItemRows.padded(List.of(g.topItems())));
        } catch (RuntimeException e) {
            throw new ModelLoadException(Reason.GOLDEN_MISMATCH, where + " failed to run: " + OrtSupport.firstLine(e.getMessage()), e);
        }
        if (top.k() != k || top.items().length != 1 || top.items()[0].length != k || candidateScores.length != k) {
            throw new ModelLoadException(Reason.GOLDEN_MISMATCH, where + ": wrong output shapes (top " + top.items().length
                    + " x " + (top.items().length == 0 ? 0 : top.items()[0].length) + ", expected 1 x " + k + ")");
        }
        for (int r = 0; r < k; r++) {
            float s = top.score(0, r);
            float c = candidateScores[r];
            if (!Float.isFinite(s) || !Float.isFinite(c)) {
                throw new ModelLoadException(Reason.GOLDEN_MISMATCH, where + ": non-finite score at rank " + r + " (" + s
                        + ", candidate mode " + c + ")");
            }
            if (!top.items()[0][r].equals(g.topItems().get(r))) {
                throw new ModelLoadException(Reason.GOLDEN_MISMATCH, where + ": rank " + r + " is " + top.items()[0][r]
                        + ", expected " + g.topItems().get(r));
            }
            float expected = g.topScores().get(r);
            float tol = GOLDEN_TOLERANCE * Math.max(1f, Math.abs(expected));
            if (Math.abs(s - expected) > tol || Math.abs(c - expected) > tol) {
                throw new ModelLoadException(Reason.GOLDEN_MISMATCH, where + ": score at rank " + r + " is " + s
                        + " (candidate mode " + c + "), expected " + expected);
            }
        }
    }

    /**
     * Runs {@code runs} calls of a synthetic {@code rows}-row batch (the golden history, its top items as
     * candidates) in {@code mode}, so that ONNX Runtime has planned its memory and the buffers of that
     * shape exist before traffic arrives. Results must be finite.
     *
     * @throws ModelLoadException WARM_UP_FAILED when a call fails
     */
    public void warmUp(ScoringMode mode, int rows, int k, int runs) {
        if (runs <= 0) {
            return;
        }
        ModelManifest.Golden g = manifest().golden();
        List<String> seed = g == null || g.topItems() == null || g.topItems().isEmpty() ? List.of("warm-up")
                : g.topItems();
        int width = ItemRows.bucket(Math.max(1, seed.size()));
        String[] history = new String[rows * maxHistory];
        long[] types = new long[rows * maxHistory];
        float[] ages = new float[rows * maxHistory];
        ItemRows candidates = ItemRows.padding(rows, width);
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < maxHistory; j++) {
                history[b * maxHistory + j] = seed.get((b + j) % seed.size());
                types[b * maxHistory + j] = 1 + (b + j) % (ModelContract.TYPE_CODES - 1);
                ages[b * maxHistory + j] = 60f * (j + 1);
            }
            for (int c = 0; c < seed.size(); c++) {
                candidates.ids()[b * width + c] = seed.get(c);
            }
        }
        HistoryBatch batch = new HistoryBatch(rows, maxHistory, history, types, ages);
        ItemRows noExclusion = ItemRows.padding(rows, 1);
        try {
            for (int i = 0; i < runs; i++) {
                if (mode == ScoringMode.CANDIDATES) {
                    float[] s = scoreCandidates(batch, candidates);
                    checkFinite(s, seed.size(), width);
                } else {
                    topItems(batch, noExclusion, k);
                }
            }
        } catch (RuntimeException e) {
            throw new ModelLoadException(Reason.WARM_UP_FAILED, "warm-up of model " + manifest().name() + " "
                    + manifest().version() + " (" + mode + ", batch " + rows + ") failed: " + OrtSupport.firstLine(e.getMessage()), e);
        }
    }

    private static void checkFinite(float[] scores, int used, int width) {
        for (int i = 0; i < scores.length; i++) {
            if (i % width < used && !Float.isFinite(scores[i])) {
                throw new IllegalStateException("non-finite score " + scores[i] + " at " + i);
            }
        }
    }

    private void checkSignature() {
        String mismatch;
        try {
            mismatch = OrtSupport.signatureMismatch(session);
        } catch (OrtException e) {
            throw new ModelLoadException(Reason.OPEN_FAILED, "failed to read the signature of " + artifact.modelFile()
                    + ": " + e.getMessage(), e);
        }
        if (mismatch != null) {
            throw new ModelLoadException(Reason.SIGNATURE_MISMATCH, "graph " + artifact.modelFile() + " " + mismatch);
        }
    }

    private static void checkRows(HistoryBatch history, ItemRows ids, String what) {
        if (ids.rows() != history.rows()) {
            throw new IllegalArgumentException(what + " has " + ids.rows() + " rows for a batch of " + history.rows());
        }
    }

    private OnnxTensor strings(String[] flat, int rows, int width) throws OrtException {
        return OnnxTensor.createTensor(env, flat, new long[] {rows, width});
    }

    private Workspace borrow(Shape shape) {
        if (closed.get()) {
            throw new IllegalStateException("session of model " + manifest().version() + " is closed");
        }
        Queue<Workspace> q = pool.get(shape);
        Workspace ws = q == null ? null : q.poll();
        if (ws != null) {
            return ws;
        }
        try {
            ws = new Workspace(shape);
        } catch (OrtException e) {
            throw new IllegalStateException("failed to allocate tensors of shape " + shape + ": " + e.getMessage(), e);
        }
        ws.pooled = pooled.incrementAndGet() <= MAX_WORKSPACES;
        if (!ws.pooled) {
            pooled.decrementAndGet();
        }
        return ws;
    }

    private void giveBack(Workspace ws) {
        if (!ws.pooled || closed.get()) {
            ws.close();
            return;
        }
        Queue<Workspace> q = pool.computeIfAbsent(ws.shape, s -> new ConcurrentLinkedQueue<>());
        q.add(ws);
        if (closed.get() && q.remove(ws)) { // close() ran meanwhile and may have missed it
            ws.close();
        }
    }

    /** Workspaces pooled now (tests). */
    public int pooledWorkspaces() {
        return pool.values().stream().mapToInt(Queue::size).sum();
    }

    /** A call shape: mode, rows, history length, and candidate width (candidates) or k (full). */
    private record Shape(ScoringMode mode, int rows, int length, int width) {
    }

    /** Reusable direct buffers and the tensors that wrap them, for one shape; one thread at a time. */
    private final class Workspace implements AutoCloseable {
        final Shape shape;
        final LongBuffer typesBuffer;
        final FloatBuffer agesBuffer;
        final LongBuffer kBuffer;
        final FloatBuffer outputBuffer;
        final OnnxTensor types;
        final OnnxTensor ages;
        final OnnxTensor k;
        final OnnxTensor padding;
        final OnnxTensor output;
        boolean pooled;

        Workspace(Shape shape) throws OrtException {
            this.shape = shape;
            int n = shape.rows() * shape.length();
            typesBuffer = direct(n * Long.BYTES).asLongBuffer();
            agesBuffer = direct(n * Float.BYTES).asFloatBuffer();
            kBuffer = direct(Long.BYTES).asLongBuffer();
            outputBuffer = direct(shape.rows() * shape.width() * Float.BYTES).asFloatBuffer();
            long[] historyShape = {shape.rows(), shape.length()};
            OnnxTensor t = null, a = null, kk = null, p = null, o = null;
            try {
                t = OnnxTensor.createTensor(env, typesBuffer, historyShape);
                a = OnnxTensor.createTensor(env, agesBuffer, historyShape);
                kk = OnnxTensor.createTensor(env, kBuffer, new long[] {1});
                String[] pad = new String[shape.rows()];
                Arrays.fill(pad, ModelContract.PAD_ITEM);
                p = OnnxTensor.createTensor(env, pad, new long[] {shape.rows(), 1});
                o = OnnxTensor.createTensor(env, outputBuffer, new long[] {shape.rows(), shape.width()});
            } catch (OrtException | RuntimeException e) {
                for (OnnxTensor x : new OnnxTensor[] {t, a, kk, p, o}) {
                    if (x != null) {
                        x.close();
                    }
                }
                throw e;
            }
            types = t;
            ages = a;
            k = kk;
            padding = p;
            output = o;
        }

        private static ByteBuffer direct(int bytes) {
            return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }

        void fill(HistoryBatch h, long kValue) {
            typesBuffer.put(0, h.types());
            agesBuffer.put(0, h.ages());
            kBuffer.put(0, kValue);
        }

        Map<String, OnnxTensor> inputs(OnnxTensor historyItems) {
            Map<String, OnnxTensor> m = new HashMap<>(8);
            m.put(ModelContract.HISTORY_ITEMS, historyItems);
            m.put(ModelContract.HISTORY_TYPES, types);
            m.put(ModelContract.HISTORY_AGES, ages);
            m.put(ModelContract.K, k);
            return m;
        }

        @Override
        public void close() {
            types.close();
            ages.close();
            k.close();
            padding.close();
            output.close();
        }
    }

    /** Frees the native session and pooled buffers. Callers make sure no call is in flight. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (Queue<Workspace> q : pool.values()) {
            Workspace ws;
            while ((ws = q.poll()) != null) {
                ws.close();
            }
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("failed to close the session of model " + manifest().version() + " ("
                    + artifact.modelFile() + ")", e);
        }
    }
}
