package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamrec.console.ProgressBar;
import dev.streamrec.model.ModelContract;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.train.Cancellation;

/**
 * The one evaluation protocol, for models and baselines alike. One target per case; every case
 * counts (an unreachable target is a miss).
 *
 * <p><b>Full ranking</b>: the target is ranked against every item of the catalogue except those the
 * {@link ExclusionPolicy} removes (by default the user's history). HR@5/10/20 (= Recall with one
 * target), NDCG@k = 1/log2(rank + 2) for 0-based rank &lt; k, MRR@20 = 1/(rank + 1) for rank &lt; 20.
 *
 * <p><b>Sampled</b> (He et al. 2017): the target is ranked among its case's negatives, no exclusion;
 * HR@10, NDCG@10.
 *
 * <p><b>Ties</b> count at their expected value under uniform random tie-breaking over the whole
 * ranked set ({@link ExpectedRank}): with {@code above} items scored higher and {@code ties} others
 * scored equal, the metric is averaged over ranks {@code above .. above + ties}. So a scorer that
 * gives most items 0 gets what a random order of those items would get, neither the best rank nor
 * the worst.
 *
 * <p>Two ways to get the counts, same result: a {@link DenseScorer} gives every catalogue item's score
 * and the counts are exact over the vector (batches run in parallel); any other scorer (ONNX Runtime's
 * full-catalogue mode) gives top-k lists, which decide the metric whenever the list's last score
 * differs from the target's; otherwise a longer list is fetched for that case.
 */
public final class Evaluator {

    public static final int SAMPLED_CUTOFF = 10;
    public static final int FULL_CUTOFF = 20;

    private static final int DENSE_BATCH = 64;
    private static final int LIST_BATCH = 256;

    // Order of the per-case gains; the same order as Metrics' full-ranking fields.
    private static final ExpectedRank[] SAMPLED = {
        new ExpectedRank(ExpectedRank.HIT, SAMPLED_CUTOFF), new ExpectedRank(ExpectedRank.NDCG, SAMPLED_CUTOFF)};
    private static final ExpectedRank[] FULL = {
        new ExpectedRank(ExpectedRank.HIT, 5), new ExpectedRank(ExpectedRank.HIT, 10),
        new ExpectedRank(ExpectedRank.HIT, FULL_CUTOFF),
        new ExpectedRank(ExpectedRank.NDCG, 5), new ExpectedRank(ExpectedRank.NDCG, 10),
        new ExpectedRank(ExpectedRank.NDCG, FULL_CUTOFF),
        new ExpectedRank(ExpectedRank.RECIPROCAL, FULL_CUTOFF)};

    private final ExclusionPolicy policy;
    private final int threads;

    /** Excludes the history, uses every core. */
    public Evaluator() {
        this(ExclusionPolicy.HISTORY, Runtime.getRuntime().availableProcessors());
    }

    public Evaluator(ExclusionPolicy policy, int threads) {
        this.policy = policy;
        this.threads = Math.max(1, threads);
    }

    public ExclusionPolicy policy() {
        return policy;
    }

    public Metrics evaluate(Scorer scorer, List<EvalCase> cases) {
        return run(scorer, cases, true, null);
    }

    /** As {@link #evaluate}, with a progress bar. */
    public Metrics evaluate(Scorer scorer, List<EvalCase> cases, String label) {
        try (ProgressBar bar = new ProgressBar(label, cases.size())) {
            return run(scorer, cases, true, bar);
        }
    }

    /** Only the sampled metrics (full-ranking fields NaN): scores only each case's target and negatives. */
    public Metrics evaluateSampled(Scorer scorer, List<EvalCase> cases) {
        return run(scorer, cases, false, null);
    }

    /** Per-case gains, summed in case order at the end so the result never depends on the thread count. */
    private static final class Outcomes {
        final double[][] sampled;
        final double[][] full;
        final boolean[] excluded;
        final boolean[] unknown;

        Outcomes(int n) {
            sampled = new double[SAMPLED.length][n];
            full = new double[FULL.length][n];
            excluded = new boolean[n];
            unknown = new boolean[n];
        }

        void sampled(int i, long above, long ties) {
            for (int m = 0; m < SAMPLED.length; m++) {
                sampled[m][i] = SAMPLED[m].of(above, ties);
            }
        }

        void full(int i, long above, long ties) {
            for (int m = 0; m < FULL.length; m++) {
                full[m][i] = FULL[m].of(above, ties);
            }
        }

        Metrics metrics(boolean withFull) {
            int n = excluded.length;
            double[] s = new double[SAMPLED.length];
            double[] f = new double[FULL.length];
            int ex = 0;
            int unk = 0;
            for (int i = 0; i < n; i++) {
                for (int m = 0; m < s.length; m++) {
                    s[m] += sampled[m][i];
                }
                for (int m = 0; m < f.length; m++) {
                    f[m] += full[m][i];
                }
                ex += excluded[i] ? 1 : 0;
                unk += unknown[i] ? 1 : 0;
            }
            double d = Math.max(1, n);
            for (int m = 0; m < f.length; m++) {
                f[m] = withFull ? f[m] / d : Double.NaN;
            }
            return new Metrics(s[0] / d, s[1] / d, f[0], f[1], f[2], f[3], f[4], f[5], f[6], n, withFull ? ex : 0, unk);
        }
    }

    private Metrics run(Scorer scorer, List<EvalCase> cases, boolean full, ProgressBar bar) {
        Outcomes out = new Outcomes(cases.size());
        if (full && scorer instanceof DenseScorer dense) {
            runDense(dense, cases, full, out, bar);
        } else {
            runLists(scorer, cases, full, out, bar);
        }
        return out.metrics(full);
    }

    // ---- dense path ----

    private void runDense(DenseScorer scorer, List<EvalCase> cases, boolean full, Outcomes out, ProgressBar bar) {
        int batches = (cases.size() + DENSE_BATCH - 1) / DENSE_BATCH;
        int workers = scorer.parallel() ? Math.min(threads, Math.max(1, batches)) : 1;
        AtomicInteger next = new AtomicInteger();
        Encoded enc = encode(scorer.catalogue(), cases);
        Runnable worker = () -> {
            float[][] buffer = new float[DENSE_BATCH][scorer.catalogue().size()];
            int k;
            while ((k = next.getAndIncrement()) < batches) {
                Cancellation.check();
                int from = k * DENSE_BATCH;
                int to = Math.min(cases.size(), from + DENSE_BATCH);
                float[][] scores = Arrays.copyOf(buffer, to - from);
                scorer.scoreAll(cases.subList(from, to), scores);
                for (int i = from; i < to; i++) {
                    denseCase(scorer, enc, i, scores[i - from], full, out);
                }
                if (bar != null) {
                    bar.step(to - from);
                }
            }
        };
        if (workers == 1) {
            worker.run();
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "evaluator");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                running.add(pool.submit(worker));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("evaluation interrupted");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("evaluation failed", e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One case list's items as rows of one catalogue (-1: not in it), and whether each target is
     * excluded; kept for the next scorer over the same catalogue and cases (the baselines share both).
     */
    private record Encoded(Catalogue catalogue, List<EvalCase> cases, int[] target, int[][] negatives, int[][] excluded,
                           boolean[] targetExcluded) {
    }

    private Encoded lastEncoded;

    private synchronized Encoded encode(Catalogue catalogue, List<EvalCase> cases) {
        Encoded e = lastEncoded;
        if (e != null && e.catalogue() == catalogue && e.cases() == cases) {
            return e;
        }
        int n = cases.size();
        int[] target = new int[n];
        int[][] negatives = new int[n][];
        int[][] excluded = new int[n][];
        boolean[] targetExcluded = new boolean[n];
        for (int i = 0; i < n; i++) {
            EvalCase c = cases.get(i);
            target[i] = catalogue.row(c.target());
            negatives[i] = c.negatives().stream().mapToInt(catalogue::row).toArray();
            List<String> ex = policy.excluded(c);
            targetExcluded[i] = ex.contains(c.target());
            excluded[i] = ex.stream().mapToInt(catalogue::row).filter(r -> r >= 0).toArray();
        }
        lastEncoded = new Encoded(catalogue, cases, target, negatives, excluded, targetExcluded);
        return lastEncoded;
    }

    /** Counts over one case's full score vector ({@code s} is overwritten at excluded rows). */
    private static void denseCase(DenseScorer scorer, Encoded enc, int i, float[] s, boolean full, Outcomes out) {
        int t = enc.target()[i];
        out.unknown[i] = t < 0 || !scorer.knows(enc.cases().get(i).target());
        float target = t < 0 ? ModelContract.UNKNOWN_ITEM_SCORE : s[t];
        long above = 0;
        long ties = 0;
        for (int r : enc.negatives()[i]) {
            float v = r < 0 ? ModelContract.UNKNOWN_ITEM_SCORE : s[r];
            if (v > target) {
                above++;
            } else if (v == target) {
                ties++;
            }
        }
        out.sampled(i, above, ties);
        if (!full) {
            return;
        }
        if (enc.targetExcluded()[i]) {
            out.excluded[i] = true;
            return;
        }
        if (t < 0) {
            return; // not in the scorer's catalogue: it can never list it
        }
        for (int r : enc.excluded()[i]) {
            s[r] = Float.NaN; // compares false both ways: neither above nor tied
        }
        int higher = 0;
        int equal = 0;
        for (float v : s) {
            higher += v > target ? 1 : 0;
            equal += v == target ? 1 : 0;
        }
        out.full(i, higher, equal - 1); // the target equals itself
    }

    // ---- top-list path ----

    private void runLists(Scorer scorer, List<EvalCase> cases, boolean full, Outcomes out, ProgressBar bar) {
        for (int from = 0; from < cases.size(); from += LIST_BATCH) {
            Cancellation.check();
            int to = Math.min(cases.size(), from + LIST_BATCH);
            List<EvalCase> batch = cases.subList(from, to);
            List<List<String>> candidates = new ArrayList<>(batch.size());
            for (EvalCase c : batch) {
                List<String> row = new ArrayList<>(c.negatives().size() + 1);
                row.add(c.target());
                row.addAll(c.negatives());
                candidates.add(row);
            }
            float[][] scores = scorer.scoreCandidates(batch, candidates);
            List<Integer> pending = new ArrayList<>(batch.size());
            List<List<String>> exclude = new ArrayList<>(batch.size());
            for (int b = 0; b < batch.size(); b++) {
                int i = from + b;
                EvalCase c = batch.get(b);
                float[] s = scores[b];
                long above = 0;
                long ties = 0;
                for (int n = 1; n < s.length; n++) {
                    if (s[n] > s[0]) {
                        above++;
                    } else if (s[n] == s[0]) {
                        ties++;
                    }
                }
                out.sampled(i, above, ties);
                out.unknown[i] = s[0] <= ModelContract.UNKNOWN_ITEM_SCORE || !scorer.knows(c.target());
                if (!full) {
                    continue;
                }
                List<String> ex = policy.excluded(c);
                out.excluded[i] = ex.contains(c.target());
                if (!out.excluded[i] && !out.unknown[i]) {
                    pending.add(i);
                    exclude.add(ex);
                }
            }
            rankFromLists(scorer, cases, pending, exclude, out);
            if (bar != null) {
                bar.step(batch.size());
            }
        }
    }

    /** Fetches top lists until each pending case's counts are decided, 8x longer lists each round. */
    private static void rankFromLists(Scorer scorer, List<EvalCase> cases, List<Integer> pending,
                                      List<List<String>> exclude, Outcomes out) {
        int k = FULL_CUTOFF + 1;
        while (!pending.isEmpty()) {
            List<EvalCase> batch = pending.stream().map(cases::get).toList();
            List<List<Scorer.Ranked>> top = scorer.topItems(batch, exclude, k);
            List<Integer> undecided = new ArrayList<>();
            List<List<String>> undecidedExclude = new ArrayList<>();
            for (int b = 0; b < batch.size(); b++) {
                long[] counts = countsFromList(top.get(b), batch.get(b).target(), k);
                if (counts == null) {
                    undecided.add(pending.get(b));
                    undecidedExclude.add(exclude.get(b));
                } else if (counts.length == 2) {
                    out.full(pending.get(b), counts[0], counts[1]);
                } // else: never ranked within the cut-off, no gain
            }
            pending = undecided;
            exclude = undecidedExclude;
            k = (int) Math.min(Integer.MAX_VALUE, 8L * k);
        }
    }

    private static final long[] NO_GAIN = new long[0];

    /**
     * {above, ties} of the target from a top-k list; {@link #NO_GAIN} when it ranks at or past the
     * cut-off (or cannot be ranked at all); null when the list cannot tell (ties reach its end).
     */
    static long[] countsFromList(List<Scorer.Ranked> list, String target, int k) {
        int n = list.size();
        boolean exhausted = n < k; // the list holds every rankable item
        int at = -1;
        for (int r = 0; r < n && at < 0; r++) {
            if (list.get(r).itemId().equals(target)) {
                at = r;
            }
        }
        if (at >= 0) {
            float s = list.get(at).score();
            long above = 0;
            long ties = 0;
            for (Scorer.Ranked item : list) {
                if (item.score() > s) {
                    above++;
                } else if (item.score() == s) {
                    ties++;
                }
            }
            boolean tiesMayGoOn = !exhausted && list.get(n - 1).score() == s;
            return tiesMayGoOn && above < FULL_CUTOFF ? null : new long[] {above, ties - 1};
        }
        if (exhausted) {
            return NO_GAIN;
        }
        // The target scores at most the last listed score: everything above that last score is above it.
        float last = list.get(n - 1).score();
        long higher = list.stream().filter(item -> item.score() > last).count();
        return higher >= FULL_CUTOFF ? NO_GAIN : null;
    }
}
