package dev.streamrec.app.scoring;

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
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.OrtSupport;
import dev.streamrec.onnx.OnnxDevice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving wrapper of one ONNX Runtime session over a verified {@link ModelArtifact}: device
 * choice with CPU fallback, tuned session options, the contract's two scoring modes on flat
 * batches, and the checks a model passes before it serves (graph signature, golden input,
 * warm-up). A model holder: {@link #close()} frees the native session; a hot-swapping owner closes
 * it only after the last in-flight call returned (see {@code dev.streamrec.app.model}).
 *
 * <p>Hot path: ONNX Runtime's Java API copies string tensors (item ids) into native memory on
 * every call, but numeric inputs and outputs can live in direct buffers that a tensor wraps without
 * copying. So each distinct call shape gets a {@link Workspace}: direct buffers for the type codes,
 * ages and {@code k}, the {@code [B, 1]} padding tensor of the unused mode's input, and a pinned
 * float output ({@code scores} or {@code top_scores}) that ONNX Runtime writes into. Workspaces are
 * pooled per shape (one thread uses one at a time) up to {@value #MAX_WORKSPACES}; rarer shapes
 * get a throw-away one.
 *
 * <p>Why not {@code dev.streamrec.onnx.RecommenderSession}: it has no GPU memory limit and
 * allocates every tensor per call; the checks here follow it exactly (same signature rules, same
 * golden tolerance) so that an artifact the trainer verified is accepted here.
 *
 * <p>Thread-safe: ONNX Runtime allows concurrent {@code run} calls on one session.
 */
public final class ScoringSession implements AutoCloseable {

    public static final String CPU = "cpu";
    public static final String CUDA = "cuda";

    private static final Logger LOG = LoggerFactory.getLogger(ScoringSession.class);
    private static final float GOLDEN_TOLERANCE = 1e-3f;
    static final int MAX_WORKSPACES = 64;
    /**
     * Set when {@code auto} finds no usable CUDA provider (at class load when the host has no NVIDIA
     * driver, else the first time the provider fails): later loads go straight to the CPU.
     */
    private static final AtomicBoolean CUDA_UNAVAILABLE = new AtomicBoolean(!OrtSupport.nvidiaDriverPresent());

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelArtifact artifact;
    private final String device;
    private final int maxHistory;
    private final int catalogRows;
    private final Map<Shape, Queue<Workspace>> pool = new ConcurrentHashMap<>();
    private final AtomicInteger pooled = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private ScoringSession(OrtEnvironment env, OrtSession session, ModelArtifact artifact, String device) {
        this.env = env;
        this.session = session;
        this.artifact = artifact;
        this.device = device;
        this.maxHistory = Math.max(1, artifact.manifest().maxHistory());
        this.catalogRows = artifact.manifest().vocabularySize() + 1; // row 0: unknown/padding
    }

    /**
     * Opens the artifact's graph on the configured device and checks its inputs and outputs against
     * the contract. Golden input and warm-up are separate steps ({@link #verifyGolden}, {@link #warmUp}).
     *
     * @throws ModelRejectedException LOAD when ONNX Runtime cannot open it (or CUDA was demanded and
     *                                is missing), CONTRACT when the graph's signature differs
     */
    public static ScoringSession open(ModelArtifact artifact, ScoringSettings settings) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String path = artifact.modelFile().toString();
        OrtSession session = null;
        String device = CPU;
        Exception cudaFailure = null;
        boolean tryCuda = settings.device() == OnnxDevice.CUDA
                || (settings.device() == OnnxDevice.AUTO && !CUDA_UNAVAILABLE.get());
        if (tryCuda) {
            try (OrtSession.SessionOptions options = options(settings);
                 OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(settings.cudaDeviceId())) {
                if (settings.gpuMemoryLimitBytes() > 0) {
                    cuda.add("gpu_mem_limit", Long.toString(settings.gpuMemoryLimitBytes()));
                    cuda.add("arena_extend_strategy", "kSameAsRequested");
                }
                options.addCUDA(cuda);
                session = env.createSession(path, options);
                device = CUDA;
            } catch (OrtException | RuntimeException e) {
                if (settings.device() == OnnxDevice.CUDA) {
                    throw new ModelRejectedException(Reason.LOAD, "failed to open model " + path + " on CUDA device "
                            + settings.cudaDeviceId() + " (streamrec.scoring.device=cuda): " + OrtSupport.firstLine(e.getMessage()), e);
                }
                cudaFailure = e;
            }
        }
        if (session == null) {
            try (OrtSession.SessionOptions options = options(settings)) {
                session = env.createSession(path, options);
            } catch (OrtException e) {
                throw new ModelRejectedException(Reason.LOAD, "failed to load model " + path + ": "
                        + OrtSupport.firstLine(e.getMessage()), e);
            }
            // The graph opens on the CPU, so CUDA itself failed: don't try it again for later models.
            if (cudaFailure != null && CUDA_UNAVAILABLE.compareAndSet(false, true)) {
                LOG.info("streamrec.scoring.device=auto: CUDA execution provider unavailable ({}); scoring on the CPU",
                        OrtSupport.firstLine(cudaFailure.getMessage()));
            }
        }
        ScoringSession opened = new ScoringSession(env, session, artifact, device);
        try {
            opened.checkSignature();
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    /**
     * Which device {@code settings} gives on this host, without a model: {@code cpu} for cpu; for
     * auto and cuda, {@code cuda} when a one-node graph opens with the CUDA provider (registering
     * the provider succeeds even without a GPU; opening a session is what loads its libraries).
     */
    public static String probeDevice(ScoringSettings settings) {
        if (settings.device() == OnnxDevice.CPU || CUDA_UNAVAILABLE.get()) {
            return CPU;
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(settings.cudaDeviceId())) {
            options.addCUDA(cuda);
            try (OrtSession probe = env.createSession(identityGraph(), options)) {
                return CUDA;
            }
        } catch (OrtException | RuntimeException e) {
            if (settings.device() == OnnxDevice.AUTO && CUDA_UNAVAILABLE.compareAndSet(false, true)) {
                LOG.info("streamrec.scoring.device=auto: CUDA execution provider unavailable ({}); scoring on the CPU",
                        OrtSupport.firstLine(e.getMessage()));
            }
            return CPU;
        }
    }

    /** A serialized ONNX model y = Identity(x), x and y float[1]. */
    private static byte[] identityGraph() {
        var type = ai.onnx.proto.OnnxMl.TypeProto.newBuilder().setTensorType(ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setShape(ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder().addDim(
                        ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1)))).build();
        var graph = ai.onnx.proto.OnnxMl.GraphProto.newBuilder().setName("probe")
                .addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Identity").addInput("x").addOutput("y"))
                .addInput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("x").setType(type))
                .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("y").setType(type));
        return ai.onnx.proto.OnnxMl.ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(graph).build().toByteArray();
    }

    private static OrtSession.SessionOptions options(ScoringSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setInterOpNumThreads(1); // sequential graph: no inter-op pool needed
            if (settings.intraOpThreads() > 0) {
                options.setIntraOpNumThreads(settings.intraOpThreads());
            }
            options.setMemoryPatternOptimization(true);
            options.setCPUArenaAllocator(true);
            return options;
        } catch (OrtException e) {
            options.close();
            throw e;
        }
    }

    public ModelArtifact artifact() {
        return artifact;
    }

    public ModelManifest manifest() {
        return artifact.manifest();
    }

    /** {@value #CPU} or {@value #CUDA}. */
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
     * Candidate mode: scores {@code [rows * width]}, row-major, for {@code candidates} (same layout,
     * padded with {@link ModelContract#PAD_ITEM}, which scores {@link ModelContract#UNKNOWN_ITEM_SCORE}).
     */
    public float[] scoreCandidates(HistoryBatch history, String[] candidates, int width) {
        checkWidth(history, candidates, width, "candidates");
        Workspace ws = borrow(new Shape(ScoringMode.CANDIDATES, history.rows(), history.length(), width));
        try (OnnxTensor items = strings(history.items(), history.rows(), history.length());
             OnnxTensor cands = strings(candidates, history.rows(), width)) {
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
                    + manifest().name() + " " + manifest().version() + " on " + device + ": " + e.getMessage(), e);
        } finally {
            giveBack(ws);
        }
    }

    /** Full-catalog output: {@code items[b][r]}, {@code scores[b * k + r]}, best first; masked tails score {@link ModelContract#UNKNOWN_ITEM_SCORE}. */
    public record TopResult(String[][] items, float[] scores, int k) {
        public float score(int row, int rank) {
            return scores[row * k + rank];
        }
    }

    /**
     * Full-catalog mode: the best {@code min(k, catalogRows)} items per row, never one of that row's
     * {@code exclude} ids while others remain ({@code exclude} is {@code [rows, excludeWidth]}, padded).
     */
    public TopResult topItems(HistoryBatch history, String[] exclude, int excludeWidth, int k) {
        checkWidth(history, exclude, excludeWidth, "exclude");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        int effectiveK = Math.min(k, catalogRows); // the graph clamps k the same way
        Workspace ws = borrow(new Shape(ScoringMode.FULL, history.rows(), history.length(), effectiveK));
        try (OnnxTensor items = strings(history.items(), history.rows(), history.length());
             OnnxTensor excl = strings(exclude, history.rows(), excludeWidth)) {
            ws.fill(history, effectiveK);
            Map<String, OnnxTensor> inputs = ws.inputs(items);
            inputs.put(ModelContract.CANDIDATES, ws.padding);
            inputs.put(ModelContract.EXCLUDE, excl);
            try (OrtSession.Result r = session.run(inputs, Set.of(ModelContract.TOP_ITEMS),
                    Map.of(ModelContract.TOP_SCORES, ws.output))) {
                String[][] top = (String[][]) r.get(ModelContract.TOP_ITEMS).orElseThrow().getValue();
                float[] scores = new float[history.rows() * effectiveK];
                ws.outputBuffer.get(0, scores);
                return new TopResult(top, scores, effectiveK);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("full-catalog scoring of " + history.rows() + " rows failed for model "
                    + manifest().name() + " " + manifest().version() + " on " + device + ": " + e.getMessage(), e);
        } finally {
            giveBack(ws);
        }
    }

    /**
     * Replays the manifest's golden history in both modes: the top items must be those recorded at
     * export with scores within 1e-3 (relative above 1), every score finite, the shapes {@code [1, k]},
     * and candidate mode must give those items the same scores.
     *
     * @throws ModelRejectedException GOLDEN otherwise
     */
    public void verifyGolden() {
        ModelManifest.Golden g = manifest().golden();
        String where = "golden input of model " + manifest().name() + " " + manifest().version() + " ("
                + artifact.directory() + ")";
        if (g == null || g.topItems() == null || g.topItems().isEmpty() || g.historyItems() == null) {
            throw new ModelRejectedException(Reason.GOLDEN, where + ": the manifest has none");
        }
        int k = g.topItems().size();
        HistoryBatch history;
        try {
            history = HistoryBatch.single(g.historyItems(), g.historyTypes(), g.historyAges());
        } catch (RuntimeException e) {
            throw new ModelRejectedException(Reason.GOLDEN, where + ": " + e.getMessage(), e);
        }
        TopResult top;
        float[] candidateScores;
        try {
            top = topItems(history, new String[] {ModelContract.PAD_ITEM}, 1, k);
            candidateScores = scoreCandidates(history, g.topItems().toArray(String[]::new), k);
        } catch (RuntimeException e) {
            throw new ModelRejectedException(Reason.GOLDEN, where + " failed to run: " + OrtSupport.firstLine(e.getMessage()), e);
        }
        if (top.k() != k || top.items().length != 1 || top.items()[0].length != k || candidateScores.length != k) {
            throw new ModelRejectedException(Reason.GOLDEN, where + ": wrong output shapes (top " + top.items().length
                    + " x " + (top.items().length == 0 ? 0 : top.items()[0].length) + ", expected 1 x " + k + ")");
        }
        for (int r = 0; r < k; r++) {
            float s = top.score(0, r);
            float c = candidateScores[r];
            if (!Float.isFinite(s) || !Float.isFinite(c)) {
                throw new ModelRejectedException(Reason.GOLDEN, where + ": non-finite score at rank " + r + " (" + s
                        + ", candidate mode " + c + ")");
            }
            if (!top.items()[0][r].equals(g.topItems().get(r))) {
                throw new ModelRejectedException(Reason.GOLDEN, where + ": rank " + r + " is " + top.items()[0][r]
                        + ", expected " + g.topItems().get(r));
            }
            float expected = g.topScores().get(r);
            float tol = GOLDEN_TOLERANCE * Math.max(1f, Math.abs(expected));
            if (Math.abs(s - expected) > tol || Math.abs(c - expected) > tol) {
                throw new ModelRejectedException(Reason.GOLDEN, where + ": score at rank " + r + " is " + s
                        + " (candidate mode " + c + "), expected " + expected);
            }
        }
    }

    /**
     * Runs {@code runs} calls of a synthetic {@code rows}-row batch (the golden history, its top items as
     * candidates) in {@code mode}, so that ONNX Runtime has planned its memory and the buffers of that
     * shape exist before traffic arrives. Results must be finite.
     *
     * @throws ModelRejectedException LOAD when a call fails
     */
    public void warmUp(ScoringMode mode, int rows, int k, int runs) {
        if (runs <= 0) {
            return;
        }
        ModelManifest.Golden g = manifest().golden();
        List<String> seed = g == null || g.topItems() == null || g.topItems().isEmpty() ? List.of("warm-up")
                : g.topItems();
        int width = RequestEncoder.bucket(Math.max(1, seed.size()));
        String[] history = new String[rows * maxHistory];
        long[] types = new long[rows * maxHistory];
        float[] ages = new float[rows * maxHistory];
        String[] candidates = new String[rows * width];
        Arrays.fill(candidates, ModelContract.PAD_ITEM);
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < maxHistory; j++) {
                history[b * maxHistory + j] = seed.get((b + j) % seed.size());
                types[b * maxHistory + j] = 1 + (b + j) % (ModelContract.TYPE_CODES - 1);
                ages[b * maxHistory + j] = 60f * (j + 1);
            }
            for (int c = 0; c < seed.size(); c++) {
                candidates[b * width + c] = seed.get(c);
            }
        }
        HistoryBatch batch = new HistoryBatch(rows, maxHistory, history, types, ages);
        String[] noExclusion = new String[rows];
        Arrays.fill(noExclusion, ModelContract.PAD_ITEM);
        try {
            for (int i = 0; i < runs; i++) {
                if (mode == ScoringMode.CANDIDATES) {
                    float[] s = scoreCandidates(batch, candidates, width);
                    checkFinite(s, seed.size(), width);
                } else {
                    topItems(batch, noExclusion, 1, k);
                }
            }
        } catch (RuntimeException e) {
            throw new ModelRejectedException(Reason.LOAD, "warm-up of model " + manifest().name() + " "
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
            throw new ModelRejectedException(Reason.LOAD, "failed to read the signature of " + artifact.modelFile()
                    + ": " + e.getMessage(), e);
        }
        if (mismatch != null) {
            throw new ModelRejectedException(Reason.CONTRACT, "graph " + artifact.modelFile() + " " + mismatch);
        }
    }

    private static void checkWidth(HistoryBatch history, String[] rows, int width, String what) {
        if (width < 1 || rows.length != history.rows() * width) {
            throw new IllegalArgumentException(what + " has " + rows.length + " ids, expected " + history.rows() + " x "
                    + width);
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
    int pooledWorkspaces() {
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
