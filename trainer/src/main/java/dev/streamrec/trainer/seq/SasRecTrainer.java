package dev.streamrec.trainer.seq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.GradientCollector;
import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Split;
import dev.streamrec.trainer.model.Vocabulary;
import dev.streamrec.trainer.train.Cancellation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link SasRecModel} with DJL's PyTorch engine (autograd, CPU).
 *
 * <p>Every position of every window is a next-item example: column {@code j} of a window (most
 * recent first, as the graph reads it) holds event {@code t - 1} and predicts event {@code t}. The
 * loss is the full softmax cross-entropy over the whole catalogue, computed only at real target
 * positions (a {@code [positions, items]} product, not {@code [batch, length, items]}). A target equal
 * to the event before it (a funnel step on one item) is not predicted but stays in the history.
 * With {@link SasRecSettings#newTargets()} only targets the user had not had before are predicted, each
 * against the catalogue minus the user's earlier items: the ranking a history-excluding server asks for
 * (shoppers come back to items, so otherwise most targets teach the model to copy the history, which
 * such a server never shows). Sequences longer than {@code maxLen} give several windows, so no event is
 * dropped.
 *
 * <p>Flow: train on the validation split's training part, scoring full-ranking NDCG@10 (history
 * excluded) on its held-out cases after each epoch; stop after {@code patience} epochs without gain;
 * then, with {@code refit}, train from scratch on all the data for the best epoch count. Adam
 * (betas 0.9 / 0.98), no weight decay; dropout regularises.
 */
public final class SasRecTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SasRecTrainer.class);
    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.98f;
    private static final float EPS = 1e-8f;
    private static final int EVAL_BATCH = 512;
    private static final NDIndex ALL = new NDIndex("...");

    private final SasRecSettings settings;

    /**
     * What a run produced.
     *
     * @param bestEpoch      epoch count chosen on validation (the refit trains this many)
     * @param validationNdcg full-ranking NDCG@10 of the best validation epoch (NaN without validation)
     * @param losses         mean training loss per epoch of the final run
     */
    public record Result(SasRecModel model, int bestEpoch, int epochsRun, double validationNdcg, long examples,
                         long millis, List<Double> losses) {
    }

    public SasRecTrainer(SasRecSettings settings) {
        this.settings = settings;
    }

    /**
     * @param all        every training event: the refit's data
     * @param validation a split of {@code all} (each user's last new item held out) for choosing the
     *                   epoch count; null or no cases: train on {@code all} for {@code maxEpochs}
     */
    public Result train(EventLog all, Split validation) {
        long started = System.nanoTime();
        Engine engine = Torch.engine(settings.threads());
        boolean validate = validation != null && !validation.holdout().isEmpty();
        double budget = settings.maxSeconds() > 0 ? settings.maxSeconds() : Double.POSITIVE_INFINITY;
        if (!validate) {
            Run run = run(engine, all, List.of(), settings.maxEpochs(), started, budget);
            return new Result(run.model, run.epochs, run.epochs, Double.NaN, run.examples, elapsedMs(started), run.losses);
        }
        Run chosen = run(engine, validation.train(), validation.holdout(), settings.maxEpochs(), started,
                settings.refit() ? budget / 2 : budget);
        if (!settings.refit() || chosen.bestEpoch == 0) {
            return new Result(chosen.best, chosen.bestEpoch, chosen.epochs, chosen.bestNdcg, chosen.examples,
                    elapsedMs(started), chosen.losses);
        }
        LOG.info("refit on all {} events for {} epochs", all.eventCount(), chosen.bestEpoch);
        Run refit = run(engine, all, List.of(), chosen.bestEpoch, started, budget);
        return new Result(refit.model, chosen.bestEpoch, chosen.epochs + refit.epochs, chosen.bestNdcg, refit.examples,
                elapsedMs(started), refit.losses);
    }

    private static long elapsedMs(long started) {
        return (System.nanoTime() - started) / 1_000_000;
    }

    /** One training run from fresh weights. */
    private static final class Run {
        SasRecModel model;
        SasRecModel best;
        int bestEpoch;
        double bestNdcg = Double.NaN;
        int epochs;
        long examples;
        final List<Double> losses = new ArrayList<>();
    }

    private Run run(Engine engine, EventLog log, List<EvalCase> validation, int maxEpochs, long started, double budgetSeconds) {
        TreeSet<String> ids = new TreeSet<>();
        log.users().values().forEach(l -> l.forEach(e -> ids.add(e.itemId())));
        Vocabulary vocabulary = new Vocabulary(List.copyOf(ids));
        Windows windows = Windows.of(log, vocabulary, settings.maxLen(), settings.newTargets());
        SasRecModel init = SasRecModel.initialise(vocabulary, settings.dim(), settings.maxLen(), settings.blocks(),
                settings.seed());
        Run run = new Run();
        run.examples = windows.targets;
        run.best = init;
        LOG.info("sasrec: {} windows, {} targets, {} items, {} validation cases", windows.count(), windows.targets,
                vocabulary.size(), validation.size());
        engine.setRandomSeed((int) settings.seed());
        try (NDManager manager = engine.newBaseManager(Device.cpu())) {
            Net net = new Net(manager, init);
            int step = 0;
            while (run.epochs < maxEpochs) {
                if ((System.nanoTime() - started) / 1e9 > budgetSeconds) {
                    LOG.info("sasrec: time budget of {} s reached after {} epochs", (long) budgetSeconds, run.epochs);
                    break;
                }
                long epochStart = System.nanoTime();
                run.epochs++;
                SplittableRandom random = new SplittableRandom(settings.seed() * 31 + run.epochs);
                int[][] batches = windows.batches(settings.batchSize(), random);
                double loss = 0;
                int skippedBefore = net.skipped;
                for (int[] batch : batches) {
                    Cancellation.check();
                    loss += net.step(windows.batch(batch), ++step, random.nextLong());
                    if (step % 50 == 0 && LOG.isDebugEnabled()) {
                        LOG.debug(String.format(Locale.ROOT, "step %d: %.1f s into epoch %d", step,
                                (System.nanoTime() - epochStart) / 1e9, run.epochs));
                    }
                }
                loss /= Math.max(1, windows.targets);
                run.losses.add(loss);
                if (!Double.isFinite(loss)) {
                    LOG.warn("sasrec: training diverged in epoch {} (loss {}); keeping epoch {}; lower --learning-rate",
                            run.epochs, loss, run.bestEpoch);
                    break;
                }
                double epochSeconds = (System.nanoTime() - epochStart) / 1e9;
                String skips = net.skipped == skippedBefore ? ""
                        : String.format(Locale.ROOT, ", %d of %d batches skipped (non-finite)", net.skipped - skippedBefore,
                        batches.length);
                if (validation.isEmpty()) {
                    LOG.info(String.format(Locale.ROOT, "sasrec epoch %d: loss %.4f (%.1f s%s)", run.epochs, loss, epochSeconds,
                            skips));
                    continue;
                }
                double ndcg = validate(net, validation, vocabulary);
                LOG.info(String.format(Locale.ROOT, "sasrec epoch %d: loss %.4f, validation full NDCG@10 %.4f (%.1f s%s)",
                        run.epochs, loss, ndcg, epochSeconds, skips));
                if (run.bestEpoch == 0 || ndcg > run.bestNdcg) {
                    run.bestNdcg = ndcg;
                    run.bestEpoch = run.epochs;
                    run.best = net.toModel();
                } else if (run.epochs - run.bestEpoch >= settings.patience()) {
                    LOG.info("sasrec: early stop, no gain for {} epochs, best epoch {}", settings.patience(), run.bestEpoch);
                    break;
                }
            }
            run.model = net.toModel();
            if (validation.isEmpty()) {
                run.best = run.model;
                run.bestEpoch = run.epochs;
            }
        }
        return run;
    }

    /** Full-ranking NDCG@10 over all items minus the case's history (an unknown target is a miss). */
    private double validate(Net net, List<EvalCase> cases, Vocabulary vocabulary) {
        return fullRanking(net, cases, vocabulary, settings.maxLen())[1];
    }

    /**
     * HR@10, NDCG@10, HR@20, NDCG@20 of a model over the whole catalogue minus each case's history,
     * computed with DJL (a quick check; reported figures come from the evaluator through ONNX Runtime).
     */
    public static double[] evaluate(SasRecModel model, List<EvalCase> cases, int threads) {
        Engine engine = Torch.engine(threads);
        try (NDManager manager = engine.newBaseManager(Device.cpu())) {
            SasRecTrainer trainer = new SasRecTrainer(SasRecSettings.defaults());
            return fullRanking(trainer.new Net(manager, model), cases, model.vocabulary, model.maxLen);
        }
    }

    /** Scores of every row for each history (oldest first), computed by the DJL training graph in eval mode. */
    static float[][] torchScores(SasRecModel model, List<List<HistoryEvent>> histories, int threads) {
        Engine engine = Torch.engine(threads);
        try (NDManager manager = engine.newBaseManager(Device.cpu())) {
            SasRecTrainer trainer = new SasRecTrainer(SasRecSettings.defaults());
            return trainer.new Net(manager, model).scoreAll(Windows.histories(histories, model.vocabulary, model.maxLen));
        }
    }

    private static double[] fullRanking(Net net, List<EvalCase> cases, Vocabulary vocabulary, int maxLen) {
        double[] sums = new double[4];
        for (int from = 0; from < cases.size(); from += EVAL_BATCH) {
            List<EvalCase> batch = cases.subList(from, Math.min(cases.size(), from + EVAL_BATCH));
            List<List<HistoryEvent>> histories = batch.stream().map(EvalCase::history).toList();
            float[][] scores = net.scoreAll(Windows.histories(histories, vocabulary, maxLen));
            for (int b = 0; b < batch.size(); b++) {
                int target = vocabulary.index(batch.get(b).target());
                if (target == Vocabulary.UNKNOWN) {
                    continue;
                }
                float[] s = scores[b];
                Set<Integer> seen = new HashSet<>();
                for (HistoryEvent e : histories.get(b)) {
                    seen.add(vocabulary.index(e.itemId()));
                }
                if (seen.contains(target)) {
                    continue;
                }
                float t = s[target];
                if (Float.isNaN(t)) {
                    continue; // a diverged model scores NaN: a miss, never a hit
                }
                int above = 0;
                for (int r = 1; r < s.length && above < 20; r++) {
                    if ((s[r] > t || Float.isNaN(s[r])) && !seen.contains(r)) {
                        above++;
                    }
                }
                double gain = 1 / (Math.log(above + 2) / Math.log(2));
                if (above < 10) {
                    sums[0] += 1;
                    sums[1] += gain;
                }
                if (above < 20) {
                    sums[2] += 1;
                    sums[3] += gain;
                }
            }
        }
        for (int i = 0; i < sums.length; i++) {
            sums[i] /= Math.max(1, cases.size());
        }
        return sums;
    }

    private static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /**
     * A batch in graph layout: [B, L] rows and types (most recent first), valid lengths, targets, and
     * the logits each target's softmax leaves out (target index, row - 1), empty unless new targets only.
     */
    record Batch(int size, int length, long[] rows, long[] types, int[] lengths, long[] targetPositions, long[] targets,
                 int[] excludedTarget, int[] excludedColumn) {

        /** The additive attention mask [B, L, L]: column j sees j' >= j that is a real event, or itself. */
        float[] mask() {
            float[] m = new float[size * length * length];
            for (int b = 0; b < size; b++) {
                for (int j = 0; j < length; j++) {
                    for (int jj = 0; jj < length; jj++) {
                        boolean allowed = jj >= j && (jj < lengths[b] || jj == j);
                        m[(b * length + j) * length + jj] = allowed ? 0f : SasRecModel.MASKED;
                    }
                }
            }
            return m;
        }
    }

    /** Training windows over the users' sequences, as vocabulary rows. */
    static final class Windows {
        final int[][] rows;
        final int[][] types;
        final int[] user;
        final int[] end;     // index of the window's latest target in the user's sequence
        final int maxLen;
        final boolean newTargets;
        long targets;

        private Windows(int[][] rows, int[][] types, int[] user, int[] end, int maxLen, boolean newTargets) {
            this.rows = rows;
            this.types = types;
            this.user = user;
            this.end = end;
            this.maxLen = maxLen;
            this.newTargets = newTargets;
        }

        /** Whether the event at {@code t} is a target: a known item, not the one before it (nor, with new targets only, any earlier one). */
        private static boolean isTarget(int[] seq, int t, boolean newTargets, Set<Integer> earlier) {
            int target = seq[t];
            return target != Vocabulary.UNKNOWN && target != seq[t - 1] && !(newTargets && earlier.contains(target));
        }

        static Windows of(EventLog log, Vocabulary vocabulary, int maxLen, boolean newTargets) {
            int users = log.users().size();
            int[][] rows = new int[users][];
            int[][] types = new int[users][];
            List<int[]> windows = new ArrayList<>();
            long targets = 0;
            int u = 0;
            for (List<HistoryEvent> seq : log.users().values()) {
                rows[u] = new int[seq.size()];
                types[u] = new int[seq.size()];
                for (int t = 0; t < seq.size(); t++) {
                    rows[u][t] = vocabulary.index(seq.get(t).itemId());
                    types[u][t] = (int) ModelContract.typeCode(seq.get(t).type());
                }
                for (int e = seq.size() - 1; e >= 1; e -= maxLen) {
                    windows.add(new int[] {u, e});
                }
                Set<Integer> earlier = new HashSet<>();
                for (int t = 1; t < seq.size(); t++) {
                    earlier.add(rows[u][t - 1]);
                    if (isTarget(rows[u], t, newTargets, earlier)) {
                        targets++;
                    }
                }
                u++;
            }
            Windows w = new Windows(rows, types, windows.stream().mapToInt(a -> a[0]).toArray(),
                    windows.stream().mapToInt(a -> a[1]).toArray(), maxLen, newTargets);
            w.targets = targets;
            return w;
        }

        int count() {
            return user.length;
        }

        /**
         * One epoch's batches: windows shuffled, then sorted by length (stable, so equal lengths stay
         * shuffled) and cut into batches of similar length, whose order is shuffled again. Padding to the
         * batch's longest window then costs little, although most sequences are short.
         */
        int[][] batches(int batchSize, SplittableRandom random) {
            int[] order = new int[count()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            shuffle(order, random);
            Integer[] boxed = Arrays.stream(order).boxed().toArray(Integer[]::new);
            Arrays.sort(boxed, Comparator.comparingInt(w -> Math.min(maxLen, end[w])));
            int n = (boxed.length + batchSize - 1) / batchSize;
            int[][] batches = new int[n][];
            for (int b = 0; b < n; b++) {
                int from = b * batchSize;
                int to = Math.min(boxed.length, from + batchSize);
                batches[b] = new int[to - from];
                for (int i = from; i < to; i++) {
                    batches[b][i - from] = boxed[i];
                }
            }
            for (int i = batches.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int[] t = batches[i];
                batches[i] = batches[j];
                batches[j] = t;
            }
            return batches;
        }

        Batch batch(int[] order) {
            int from = 0;
            int to = order.length;
            int size = to - from;
            int length = 1;
            for (int i = from; i < to; i++) {
                length = Math.max(length, Math.min(maxLen, end[order[i]]));
            }
            long[] r = new long[size * length];
            long[] ty = new long[size * length];
            int[] lengths = new int[size];
            List<Long> positions = new ArrayList<>();
            List<Long> targetRows = new ArrayList<>();
            IntList excludedTarget = new IntList();
            IntList excludedColumn = new IntList();
            for (int b = 0; b < size; b++) {
                int w = order[from + b];
                int[] seqRows = rows[user[w]];
                int[] seqTypes = types[user[w]];
                int e = end[w];
                int n = Math.min(maxLen, e);
                lengths[b] = n;
                // Items before the window's oldest input, then each input as it is passed (oldest first).
                Set<Integer> earlier = new LinkedHashSet<>();
                for (int t = 0; t < e - n; t++) {
                    earlier.add(seqRows[t]);
                }
                for (int input = e - n; input < e; input++) {
                    int j = e - 1 - input;
                    r[b * length + j] = seqRows[input];
                    ty[b * length + j] = seqTypes[input];
                    earlier.add(seqRows[input]);
                    if (!isTarget(seqRows, input + 1, newTargets, earlier)) {
                        continue;
                    }
                    if (newTargets) {
                        for (int row : earlier) {
                            if (row != Vocabulary.UNKNOWN) {
                                excludedTarget.add(targetRows.size());
                                excludedColumn.add(row - 1);
                            }
                        }
                    }
                    positions.add((long) (b * length + j));
                    targetRows.add((long) seqRows[input + 1] - 1); // logits cover rows 1..V
                }
            }
            return new Batch(size, length, r, ty, lengths, positions.stream().mapToLong(Long::longValue).toArray(),
                    targetRows.stream().mapToLong(Long::longValue).toArray(), excludedTarget.toArray(),
                    excludedColumn.toArray());
        }

        /** Evaluation histories (oldest first) in graph layout: the latest maxLen events, unknown ids as row 0. */
        static Batch histories(List<List<HistoryEvent>> histories, Vocabulary vocabulary, int maxLen) {
            int size = histories.size();
            int length = 1;
            for (List<HistoryEvent> h : histories) {
                length = Math.max(length, Math.min(maxLen, h.size()));
            }
            long[] r = new long[size * length];
            long[] ty = new long[size * length];
            int[] lengths = new int[size];
            for (int b = 0; b < size; b++) {
                List<HistoryEvent> h = histories.get(b);
                int n = Math.min(maxLen, h.size());
                lengths[b] = n;
                for (int j = 0; j < n; j++) {
                    HistoryEvent e = h.get(h.size() - 1 - j);
                    r[b * length + j] = vocabulary.index(e.itemId());
                    ty[b * length + j] = ModelContract.typeCode(e.type());
                }
            }
            return new Batch(size, length, r, ty, lengths, new long[0], new long[0], new int[0], new int[0]);
        }
    }

    /** The parameters as NDArrays, the forward pass, and Adam. */
    final class Net {
        private final NDManager manager;
        private final SasRecModel shape;
        private final Map<String, NDArray> params = new LinkedHashMap<>();
        private final Map<String, NDArray> m = new LinkedHashMap<>();
        private final Map<String, NDArray> v = new LinkedHashMap<>();
        /**
         * 1/sqrt(d) as a tensor that lives as long as the net. Not {@code mul(float)}: DJL wraps the number in a
         * tensor over a Java buffer and closes it right after the op, while autograd keeps that tensor for the
         * backward pass; a collection in between frees the buffer and the gradient reads freed memory (seen as
         * gradients of 1e28 on random batches, and runs of one seed that differed).
         */
        private final NDArray attentionScale;
        /** Batches whose update was skipped (non-finite loss or gradient), reported per epoch. */
        int skipped;

        Net(NDManager manager, SasRecModel init) {
            this.manager = manager;
            this.shape = init;
            this.attentionScale = manager.create(new float[] {(float) (1.0 / Math.sqrt(init.dim))});
            for (Map.Entry<String, long[]> e : init.shapes().entrySet()) {
                NDArray p = manager.create(init.p(e.getKey()), new Shape(e.getValue()));
                p.setRequiresGradient(true);
                params.put(e.getKey(), p);
                m.put(e.getKey(), manager.zeros(p.getShape()));
                v.put(e.getKey(), manager.zeros(p.getShape()));
            }
        }

        private NDArray p(String name) {
            return params.get(name);
        }

        /** Hidden states [B, L, d] after the final LayerNorm. */
        NDArray forward(Batch batch, boolean training) {
            int d = shape.dim;
            NDArray rows = manager.create(batch.rows(), new Shape(batch.size(), batch.length()));
            NDArray types = manager.create(batch.types(), new Shape(batch.size(), batch.length()));
            NDArray mask = manager.create(batch.mask(), new Shape(batch.size(), batch.length(), batch.length()));
            NDArray x = rows.getNDArrayInternal().embedding(rows, p("item"), SparseFormat.DENSE).singletonOrThrow()
                    .add(p("position").get(new NDIndex("0:" + batch.length())))
                    .add(types.getNDArrayInternal().embedding(types, p("type"), SparseFormat.DENSE).singletonOrThrow());
            x = drop(x, training);
            Shape norm = new Shape(d);
            for (int b = 0; b < shape.blocks; b++) {
                String pre = "b" + b + ".";
                NDArray a = ln(x, norm, p(pre + "ln1.g"), p(pre + "ln1.b"));
                NDArray q = a.matMul(p(pre + "wq")).add(p(pre + "bq"));
                NDArray k = a.matMul(p(pre + "wk")).add(p(pre + "bk"));
                NDArray val = a.matMul(p(pre + "wv")).add(p(pre + "bv"));
                NDArray att = q.matMul(k.transpose(0, 2, 1)).mul(attentionScale).add(mask).softmax(-1);
                NDArray o = att.matMul(val).matMul(p(pre + "wo")).add(p(pre + "bo"));
                x = x.add(drop(o, training));
                NDArray f = ln(x, norm, p(pre + "ln2.g"), p(pre + "ln2.b"));
                f = Activation.relu(f.matMul(p(pre + "w1")).add(p(pre + "b1")));
                f = f.matMul(p(pre + "w2")).add(p(pre + "b2"));
                x = x.add(drop(f, training));
            }
            return ln(x, norm, p("final.g"), p("final.b"));
        }

        private NDArray ln(NDArray x, Shape norm, NDArray g, NDArray b) {
            return LayerNorm.layerNorm(x, norm, g, b, SasRecModel.LN_EPSILON).singletonOrThrow();
        }

        private NDArray drop(NDArray x, boolean training) {
            return training && settings.dropout() > 0 ? Dropout.dropout(x, settings.dropout(), true).singletonOrThrow() : x;
        }

        /** One Adam step on a batch; returns the summed loss of its targets. */
        double step(Batch batch, int t, long seed) {
            if (batch.targets().length == 0) {
                return 0;
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                double loss = backward(batch, seed, () -> { });
                // Skip a batch whose loss or gradient is not finite: it would poison Adam's moments for good.
                double sq = 0;
                for (NDArray w : params.values()) {
                    sq += w.getGradient().square().sum().getFloat();
                }
                double norm = Math.sqrt(sq);
                if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                    LOG.warn("sasrec: non-finite {} at step {}, update skipped", Double.isFinite(loss) ? "gradient" : "loss", t);
                    skipped++;
                    zeroGradients();
                    return Double.isFinite(loss) ? loss : 0;
                }
                float lr = (float) (settings.learningRate() * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t)));
                float clip = settings.clipNorm() > 0 && norm > settings.clipNorm() ? (float) (settings.clipNorm() / norm) : 1f;
                for (Map.Entry<String, NDArray> e : params.entrySet()) {
                    NDArray w = e.getValue();
                    NDArray g = w.getGradient();
                    if (clip != 1f) {
                        g.muli(clip);
                    }
                    NDArray mm = m.get(e.getKey());
                    NDArray vv = v.get(e.getKey());
                    mm.muli(BETA1).addi(g.mul(1 - BETA1));
                    vv.muli(BETA2).addi(g.square().muli(1 - BETA2));
                    w.subi(mm.div(vv.sqrt().addi(EPS)).muli(lr));
                    g.subi(g);
                }
                return loss;
            }
        }

        /**
         * Forward pass, loss and backward pass of a batch, leaving the gradients on the parameters; returns
         * the summed loss of its targets. {@code beforeBackward} runs between the two passes (tests use it
         * to force a garbage collection there).
         */
        double backward(Batch batch, long seed, Runnable beforeBackward) {
            try (NDScope scope = new NDScope();
                 GradientCollector gc = manager.getEngine().newGradientCollector()) {
                scope.suppressNotUsedWarning();
                NDArray h = forward(batch, true).reshape(-1, shape.dim);
                NDArray positions = manager.create(batch.targetPositions());
                NDArray hv = positions.getNDArrayInternal().embedding(positions, h, SparseFormat.DENSE).singletonOrThrow();
                NDArray nll;
                if (settings.negatives() <= 0) {
                    // Full softmax over rows 1..V (row 0 is padding, never a candidate).
                    NDArray logits = hv.matMul(p("item").get(new NDIndex("1:")).transpose())
                            .add(p("item_bias").get(new NDIndex("1:")));
                    if (batch.excludedTarget().length > 0) {
                        logits = logits.add(excluded(batch, shape.vocabulary.size()));
                    }
                    NDArray targets = manager.create(batch.targets()).reshape(-1, 1);
                    nll = logits.logSoftmax(1).gather(targets, 1).neg();
                } else {
                    nll = sampledLoss(hv, batch, seed);
                }
                NDArray mean = nll.mean();
                beforeBackward.run();
                gc.backward(mean);
                return nll.sum().getFloat();
            }
        }

        /** Copies of the current gradients, by parameter name, which are then zeroed (tests). */
        Map<String, float[]> gradients() {
            Map<String, float[]> out = new LinkedHashMap<>();
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                params.forEach((name, w) -> out.put(name, w.getGradient().toFloatArray()));
                zeroGradients();
            }
            return out;
        }

        /**
         * Zeroes every gradient in place. Not {@code g - g} (NaN stays NaN) and not {@code set(float[])}:
         * DJL's PyTorch engine then points the gradient's storage at a Java buffer that is freed with the
         * wrapper, and the next backward pass writes into freed memory.
         */
        private void zeroGradients() {
            for (NDArray w : params.values()) {
                w.getGradient().set(ALL, 0f);
            }
        }

        /**
         * Sampled softmax: the target against {@code negatives} items drawn uniformly (shared by the
         * batch; uniform proposals need no log-q correction), a negative equal to the target masked out.
         */
        private NDArray sampledLoss(NDArray hv, Batch batch, long seed) {
            long[] targetsMinusOne = batch.targets();
            int n = settings.negatives();
            int items = shape.vocabulary.size();
            SplittableRandom random = new SplittableRandom(seed);
            long[] negatives = new long[n];
            for (int i = 0; i < n; i++) {
                negatives[i] = 1 + random.nextInt(items);
            }
            long[] targets = new long[targetsMinusOne.length];
            float[] clash = new float[targets.length * n];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = targetsMinusOne[i] + 1;
                for (int k = 0; k < n; k++) {
                    if (negatives[k] == targets[i]) {
                        clash[i * n + k] = SasRecModel.MASKED;
                    }
                }
            }
            if (batch.excludedTarget().length > 0) {
                Map<Long, List<Integer>> slots = new HashMap<>();
                for (int k = 0; k < n; k++) {
                    slots.computeIfAbsent(negatives[k], x -> new ArrayList<>()).add(k);
                }
                for (int x = 0; x < batch.excludedTarget().length; x++) {
                    for (int k : slots.getOrDefault((long) batch.excludedColumn()[x] + 1, List.of())) {
                        clash[batch.excludedTarget()[x] * n + k] = SasRecModel.MASKED;
                    }
                }
            }
            NDArray targetRows = manager.create(targets);
            NDArray negativeRows = manager.create(negatives);
            NDArray item = p("item");
            NDArray bias = p("item_bias");
            NDArray pos = hv.mul(targetRows.getNDArrayInternal().embedding(targetRows, item, SparseFormat.DENSE)
                    .singletonOrThrow()).sum(new int[] {1}, true).add(rows(targetRows, bias.reshape(-1, 1)));
            NDArray negEmb = negativeRows.getNDArrayInternal().embedding(negativeRows, item, SparseFormat.DENSE)
                    .singletonOrThrow();
            NDArray neg = hv.matMul(negEmb.transpose()).add(rows(negativeRows, bias.reshape(-1, 1)).reshape(1, -1))
                    .add(manager.create(clash, new Shape(targets.length, n)));
            return pos.concat(neg, 1).logSoftmax(1).get(new NDIndex(":, 0")).neg();
        }

        /** The additive mask [targets, items] that takes each target's earlier items out of its softmax. */
        private NDArray excluded(Batch batch, int items) {
            float[] mask = new float[batch.targets().length * items];
            for (int x = 0; x < batch.excludedTarget().length; x++) {
                mask[batch.excludedTarget()[x] * items + batch.excludedColumn()[x]] = SasRecModel.MASKED;
            }
            return manager.create(mask, new Shape(batch.targets().length, items));
        }

        private static NDArray rows(NDArray index, NDArray table) {
            return index.getNDArrayInternal().embedding(index, table, SparseFormat.DENSE).singletonOrThrow();
        }

        /** Scores [B][rows] at column 0 (the latest event), no dropout. */
        float[][] scoreAll(Batch batch) {
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray h = forward(batch, false).get(new NDIndex(":, 0, :"));
                NDArray s = h.matMul(p("item").transpose()).add(p("item_bias"));
                float[] flat = s.toFloatArray();
                int rows = shape.vocabulary.rows();
                float[][] out = new float[batch.size()][];
                for (int b = 0; b < out.length; b++) {
                    out[b] = Arrays.copyOfRange(flat, b * rows, (b + 1) * rows);
                }
                return out;
            }
        }

        SasRecModel toModel() {
            Map<String, float[]> copy = new LinkedHashMap<>();
            params.forEach((k, a) -> copy.put(k, a.toType(DataType.FLOAT32, false).toFloatArray()));
            return SasRecModel.of(shape.vocabulary, shape.dim, shape.maxLen, shape.blocks, copy);
        }
    }

    /** A growable int array (a batch's exclusions run to hundreds of thousands). */
    private static final class IntList {
        private int[] a = new int[1024];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
