package dev.streamrec.trainer.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.streamrec.console.ProgressBar;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.eval.Evaluator;
import dev.streamrec.trainer.eval.Metrics;
import dev.streamrec.trainer.eval.ModelScorer;
import dev.streamrec.trainer.model.AgeBuckets;
import dev.streamrec.trainer.model.Gradients;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.model.Vocabulary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link SeqRecModel} on next-item prediction.
 *
 * <p>Each mini-batch is cut into {@value #SHARDS} shards. A shard draws its own uniform negatives
 * (seeded by seed, epoch, step and shard), computes the sampled-softmax loss and gradients of its
 * examples into its own buffers, and the shards' gradients are summed in shard order before one
 * Adam step. The thread pool only decides who computes a shard, never what it computes or the
 * order of the sum, so a seed gives bit-identical weights on 1 core or 16.
 *
 * <p>After each epoch the model is scored (Java, sampled NDCG@10) on the validation cases; the
 * best epoch's weights are kept, and training stops after {@code patience} epochs without gain.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    static final int SHARDS = 8;

    private final TrainingSettings settings;

    /** What a run produced. */
    public record Result(SeqRecModel model, int bestEpoch, int epochsRun, double validationNdcg, long examples,
                         long millis) {
    }

    public Trainer(TrainingSettings settings) {
        this.settings = settings;
    }

    /**
     * @param train      events to learn from
     * @param validation held-out cases for early stopping (may be empty: then all epochs run)
     * @param warmStart  a previous model whose known items keep their weights, or null for fresh weights
     */
    public Result train(EventLog train, List<EvalCase> validation, SeqRecModel warmStart) {
        long started = System.nanoTime();
        TreeSet<String> items = new TreeSet<>();
        train.users().values().forEach(l -> l.forEach(e -> items.add(e.itemId())));
        SeqRecModel model;
        if (warmStart == null) {
            model = SeqRecModel.initialise(new Vocabulary(List.copyOf(items)), settings.dim(), settings.maxHistory(),
                    AgeBuckets.DEFAULT_BOUNDARIES, settings.seed());
        } else {
            model = warmStart.warmStart(warmStart.vocabulary.extendedWith(items), settings.seed());
            LOG.info("warm start from {} known items, {} new", warmStart.vocabulary.size(),
                    model.vocabulary.size() - warmStart.vocabulary.size());
        }
        if (!settings.denseLayer()) {
            java.util.Arrays.fill(model.dense, 0f);
            java.util.Arrays.fill(model.denseBias, 0f);
        }
        if (!settings.itemBias()) {
            java.util.Arrays.fill(model.itemBias, 0f);
        }
        SequenceData data = SequenceData.of(train, model.vocabulary);
        long[] examples = data.examples().clone();
        LOG.info("training on {} examples from {} users, {} items, {} validation cases", examples.length,
                train.users().size(), model.vocabulary.size(), validation.size());

        Adam adam = new Adam(model, settings.learningRate(), settings.l2());
        Evaluator evaluator = new Evaluator();
        SeqRecModel best = model.copy();
        double bestNdcg = validation.isEmpty() ? Double.NaN : evaluator.evaluateSampled(new ModelScorer(model), validation).ndcgAt10();
        int bestEpoch = 0;
        int epoch = 0;
        Shard[] shards = new Shard[SHARDS];
        for (int s = 0; s < SHARDS; s++) {
            shards[s] = new Shard(model, data);
        }
        Gradients total = new Gradients(model);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, settings.threads()), r -> {
            Thread t = new Thread(r, "trainer-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            while (epoch < settings.maxEpochs() && examples.length > 0) {
                epoch++;
                shuffle(examples, new SplittableRandom(settings.seed() * 31 + epoch));
                double loss = 0;
                int steps = (examples.length + settings.batchSize() - 1) / settings.batchSize();
                try (ProgressBar bar = new ProgressBar("epoch " + epoch, examples.length)) {
                    for (int step = 0; step < steps; step++) {
                        Cancellation.check();
                        int from = step * settings.batchSize();
                        int to = Math.min(examples.length, from + settings.batchSize());
                        loss += runStep(pool, shards, examples, from, to, epoch, step);
                        total.clear();
                        for (Shard s : shards) {
                            total.addAll(s.grads);
                        }
                        adam.step(model, total, settings.learnWeights(), settings.denseLayer(), settings.itemBias());
                        bar.step(to - from);
                    }
                }
                loss /= examples.length;
                if (validation.isEmpty()) {
                    LOG.info(String.format(Locale.ROOT, "epoch %d: loss %.4f", epoch, loss));
                    best = model;
                    bestEpoch = epoch;
                    continue;
                }
                Metrics m = evaluator.evaluateSampled(new ModelScorer(model), validation);
                LOG.info(String.format(Locale.ROOT, "epoch %d: loss %.4f, validation HR@10 %.4f NDCG@10 %.4f", epoch, loss,
                        m.hrAt10(), m.ndcgAt10()));
                if (m.ndcgAt10() > bestNdcg) {
                    bestNdcg = m.ndcgAt10();
                    bestEpoch = epoch;
                    best = model.copy();
                } else if (epoch - bestEpoch >= settings.patience()) {
                    LOG.info("early stop: no gain for {} epochs, keeping epoch {}", settings.patience(), bestEpoch);
                    break;
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long millis = (System.nanoTime() - started) / 1_000_000;
        return new Result(best, bestEpoch, epoch, bestNdcg, examples.length, millis);
    }

    private double runStep(ExecutorService pool, Shard[] shards, long[] examples, int from, int to, int epoch, int step) {
        int n = to - from;
        int per = (n + SHARDS - 1) / SHARDS;
        List<Callable<Double>> tasks = new ArrayList<>(SHARDS);
        for (int s = 0; s < SHARDS; s++) {
            int a = Math.min(to, from + s * per);
            int b = Math.min(to, a + per);
            Shard shard = shards[s];
            long shardSeed = settings.seed() ^ (epoch * 0x9E3779B97F4A7C15L) ^ ((long) step << 20) ^ s;
            tasks.add(() -> shard.run(examples, a, b, n, shardSeed));
        }
        try {
            double loss = 0;
            for (Future<Double> f : pool.invokeAll(tasks)) {
                loss += f.get();
            }
            return loss;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("training interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("training step failed: " + e.getCause(), e.getCause());
        }
    }

    private static void shuffle(long[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** One shard's buffers, reused across steps. */
    private final class Shard {
        final SeqRecModel model;
        final SequenceData data;
        final Gradients grads;
        final History hist;
        final SeqRecModel.Workspace ws;
        final int[] negatives = new int[settings.negatives()];
        final SampledSoftmax loss;

        Shard(SeqRecModel model, SequenceData data) {
            this.model = model;
            this.data = data;
            this.grads = new Gradients(model);
            this.hist = new History(model.maxHistory);
            this.ws = new SeqRecModel.Workspace(model);
            this.loss = new SampledSoftmax(settings.negatives(), model.dim);
        }

        /** Loss summed over examples {@code [a, b)}; gradients (scaled by 1 / batch) left in {@link #grads}. */
        double run(long[] examples, int a, int b, int batch, long seed) {
            grads.clear();
            if (a >= b) {
                return 0;
            }
            SplittableRandom random = new SplittableRandom(seed);
            int rows = model.vocabulary.rows();
            for (int k = 0; k < negatives.length; k++) {
                negatives[k] = 1 + random.nextInt(rows - 1);
            }
            float scale = 1f / batch;
            double total = 0;
            for (int e = a; e < b; e++) {
                data.history(examples[e], hist, model.ageBoundaries);
                total += loss.step(model, hist, data.target(examples[e]), negatives, scale, ws, grads);
            }
            return total;
        }
    }
}
