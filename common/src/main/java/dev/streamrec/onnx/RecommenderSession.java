package dev.streamrec.onnx;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX Runtime session over one verified {@link ModelArtifact}, with the contract's two scoring
 * modes for a batch of users:
 * <ul>
 *   <li>{@link #scoreCandidates}: a score per given candidate ({@link ModelContract#SCORES});
 *       a candidate outside the vocabulary scores {@link ModelContract#UNKNOWN_ITEM_SCORE};</li>
 *   <li>{@link #topItems}: the best {@code k} items of the whole catalogue, excluded items never
 *       among them unless fewer remain ({@link ModelContract#TOP_ITEMS}, {@link ModelContract#TOP_SCORES}).</li>
 * </ul>
 * Each call asks ONNX Runtime only for its mode's outputs, and the other mode's inputs get a
 * {@code [B, 1]} padding tensor, as the contract says.
 *
 * <p>{@link #open} checks the graph's inputs and outputs against the contract and, unless switched
 * off, replays the manifest's golden input (same top items, scores within 1e-3, nothing NaN or
 * infinite, right shapes), so a session that opened is fit to serve. Device {@code auto} asks for
 * the CUDA execution provider and falls back to the CPU with one log line (ONNX Runtime also prints
 * its own native error line); after one failure, later {@code auto} opens in this process use the
 * CPU directly. Which one runs is {@link #executionProvider()}.
 *
 * <p>Thread-safe: ONNX Runtime allows concurrent {@code run} calls on one session. {@link #close()}
 * must wait until in-flight calls have returned (a hot-swapping caller reference-counts them).
 */
public final class RecommenderSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecommenderSession.class);
    private static final float GOLDEN_TOLERANCE = 1e-3f;
    /** Set after the CUDA provider failed once under AUTO: later opens go straight to the CPU, without retrying. */
    private static volatile boolean cudaUnavailable = !OrtSupport.nvidiaDriverPresent();

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelArtifact artifact;
    private final String executionProvider;

    private RecommenderSession(OrtEnvironment env, OrtSession session, ModelArtifact artifact, String executionProvider) {
        this.env = env;
        this.session = session;
        this.artifact = artifact;
        this.executionProvider = executionProvider;
    }

    /** Opens a session over the artifact, checking contract and golden input; {@link ModelLoadException} if unfit. */
    public static RecommenderSession open(ModelArtifact artifact, SessionSettings settings) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String path = artifact.modelFile().toString();
        OrtSession session = null;
        String provider = "CPU";
        if (settings.device() == OnnxDevice.CUDA || (settings.device() == OnnxDevice.AUTO && !cudaUnavailable)) {
            try (OrtSession.SessionOptions options = options(settings)) {
                options.addCUDA(settings.cudaDeviceId());
                session = env.createSession(path, options);
                provider = "CUDA";
            } catch (OrtException e) {
                if (settings.device() == OnnxDevice.CUDA) {
                    throw new ModelLoadException("failed to open " + path + " on CUDA device " + settings.cudaDeviceId()
                            + ": " + e.getMessage(), e);
                }
                cudaUnavailable = true;
                LOG.info("CUDA execution provider unavailable ({}); scoring on the CPU", OrtSupport.firstLine(e.getMessage()));
            }
        }
        if (session == null) {
            try (OrtSession.SessionOptions options = options(settings)) {
                session = env.createSession(path, options);
            } catch (OrtException e) {
                throw new ModelLoadException("failed to load model " + path + ": " + e.getMessage(), e);
            }
        }
        RecommenderSession opened = new RecommenderSession(env, session, artifact, provider);
        try {
            opened.checkSignature();
            if (settings.verifyGolden()) {
                opened.verifyGolden();
            }
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        LOG.info("opened model {} version {} ({} items) on {}", artifact.manifest().name(), artifact.manifest().version(),
                artifact.manifest().vocabularySize(), provider);
        return opened;
    }

    private static OrtSession.SessionOptions options(SessionSettings settings) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (settings.intraOpThreads() > 0) {
            options.setIntraOpNumThreads(settings.intraOpThreads());
        }
        return options;
    }

    public ModelManifest manifest() {
        return artifact.manifest();
    }

    public ModelArtifact artifact() {
        return artifact;
    }

    /** "CUDA" or "CPU". */
    public String executionProvider() {
        return executionProvider;
    }

    /** Candidate mode: {@code result[b][c]} scores {@code candidates[b][c]} for user {@code b}. */
    public float[][] scoreCandidates(ModelInput input, String[][] candidates) {
        checkBatch(input, candidates.length, "candidates");
        try (Tensors t = new Tensors(input, candidates, padding(input.batchSize()), 1);
             OrtSession.Result r = session.run(t.map, Set.of(ModelContract.SCORES))) {
            return (float[][]) r.get(ModelContract.SCORES).orElseThrow().getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("candidate scoring failed for model " + artifact.manifest().version()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Full-catalog mode: the best {@code k} items for each user, never one of {@code exclude[b]} while others remain. */
    public TopItems topItems(ModelInput input, String[][] exclude, int k) {
        checkBatch(input, exclude.length, "exclude");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        try (Tensors t = new Tensors(input, padding(input.batchSize()), exclude, k);
             OrtSession.Result r = session.run(t.map, Set.of(ModelContract.TOP_ITEMS, ModelContract.TOP_SCORES))) {
            String[][] items = (String[][]) r.get(ModelContract.TOP_ITEMS).orElseThrow().getValue();
            float[][] scores = (float[][]) r.get(ModelContract.TOP_SCORES).orElseThrow().getValue();
            return new TopItems(items, scores);
        } catch (OrtException e) {
            throw new IllegalStateException("full-catalog scoring failed for model " + artifact.manifest().version()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replays the manifest's golden history in both modes: the top items must be those recorded at
     * export with scores within 1e-3, every score finite, the shapes [1, k], and candidate mode must
     * give the same scores to those items.
     */
    public void verifyGolden() {
        ModelManifest.Golden g = artifact.manifest().golden();
        String where = "golden input of " + artifact.directory();
        if (g == null || g.topItems() == null || g.topItems().isEmpty()) {
            throw new ModelLoadException(where + ": the manifest has none");
        }
        int l = g.historyItems().size();
        if (g.historyTypes().size() != l || g.historyAges().size() != l || l == 0) {
            throw new ModelLoadException(where + ": history lists differ in length");
        }
        String[][] items = {g.historyItems().toArray(String[]::new)};
        long[][] types = {g.historyTypes().stream().mapToLong(Long::longValue).toArray()};
        float[][] ages = new float[1][l];
        for (int j = 0; j < l; j++) {
            ages[0][j] = g.historyAges().get(j);
        }
        ModelInput input = new ModelInput(items, types, ages);
        int k = g.topItems().size();
        TopItems top;
        float[][] candidateScores;
        try {
            top = topItems(input, new String[][] {{ModelContract.PAD_ITEM}}, k);
            candidateScores = scoreCandidates(input, new String[][] {g.topItems().toArray(String[]::new)});
        } catch (RuntimeException e) {
            throw new ModelLoadException(where + " failed to run: " + e.getMessage(), e);
        }
        if (top.items().length != 1 || top.items()[0].length != k || top.scores()[0].length != k
                || candidateScores.length != 1 || candidateScores[0].length != k) {
            throw new ModelLoadException(where + ": wrong output shapes");
        }
        for (int r = 0; r < k; r++) {
            float s = top.scores()[0][r];
            float c = candidateScores[0][r];
            if (!Float.isFinite(s) || !Float.isFinite(c)) {
                throw new ModelLoadException(where + ": non-finite score at rank " + r);
            }
            if (!top.items()[0][r].equals(g.topItems().get(r))) {
                throw new ModelLoadException(where + ": rank " + r + " is " + top.items()[0][r] + ", expected "
                        + g.topItems().get(r));
            }
            float expected = g.topScores().get(r);
            float tol = GOLDEN_TOLERANCE * Math.max(1f, Math.abs(expected));
            if (Math.abs(s - expected) > tol || Math.abs(c - expected) > tol) {
                throw new ModelLoadException(where + ": score at rank " + r + " is " + s + " (candidate mode " + c
                        + "), expected " + expected);
            }
        }
    }

    private void checkSignature() {
        String mismatch;
        try {
            mismatch = OrtSupport.signatureMismatch(session);
        } catch (OrtException e) {
            throw new ModelLoadException("failed to read the signature of " + artifact.modelFile() + ": " + e.getMessage(), e);
        }
        if (mismatch != null) {
            throw new ModelLoadException("graph " + artifact.modelFile() + " " + mismatch);
        }
    }

    private static void checkBatch(ModelInput input, int rows, String what) {
        if (rows != input.batchSize()) {
            throw new IllegalArgumentException(what + " has " + rows + " rows for a batch of " + input.batchSize());
        }
    }

    private static String[][] padding(int batch) {
        String[][] p = new String[batch][1];
        for (String[] row : p) {
            row[0] = ModelContract.PAD_ITEM;
        }
        return p;
    }

    /** The six input tensors of one call, closed together. */
    private final class Tensors implements AutoCloseable {
        final Map<String, OnnxTensor> map = new HashMap<>();
        private final List<OnnxTensor> all = new ArrayList<>();

        Tensors(ModelInput in, String[][] candidates, String[][] exclude, long k) throws OrtException {
            try {
                int b = in.batchSize();
                int l = in.historyLength();
                put(ModelContract.HISTORY_ITEMS, strings(in.historyItems()));
                long[] types = new long[b * l];
                float[] ages = new float[b * l];
                for (int i = 0; i < b; i++) {
                    System.arraycopy(in.historyTypes()[i], 0, types, i * l, l);
                    System.arraycopy(in.historyAges()[i], 0, ages, i * l, l);
                }
                put(ModelContract.HISTORY_TYPES, OnnxTensor.createTensor(env, LongBuffer.wrap(types), new long[] {b, l}));
                put(ModelContract.HISTORY_AGES, OnnxTensor.createTensor(env, FloatBuffer.wrap(ages), new long[] {b, l}));
                put(ModelContract.CANDIDATES, strings(candidates));
                put(ModelContract.EXCLUDE, strings(exclude));
                put(ModelContract.K, OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {k}), new long[] {1}));
            } catch (OrtException | RuntimeException e) {
                close();
                throw e;
            }
        }

        private OnnxTensor strings(String[][] rows) throws OrtException {
            int w = rows[0].length;
            String[] flat = new String[rows.length * w];
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].length != w) {
                    throw new IllegalArgumentException("string rows must have one width");
                }
                System.arraycopy(rows[i], 0, flat, i * w, w);
            }
            return OnnxTensor.createTensor(env, flat, new long[] {rows.length, w});
        }

        private void put(String name, OnnxTensor t) {
            all.add(t);
            map.put(name, t);
        }

        @Override
        public void close() {
            all.forEach(OnnxTensor::close);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("failed to close the session of " + artifact.modelFile(), e);
        }
    }
}
