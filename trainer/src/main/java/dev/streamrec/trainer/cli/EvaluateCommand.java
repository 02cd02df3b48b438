package dev.streamrec.trainer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streamrec.console.OptionRules;
import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.eval.Baselines;
import dev.streamrec.trainer.eval.Evaluation;
import dev.streamrec.trainer.eval.Evaluator;
import dev.streamrec.trainer.eval.ExclusionPolicy;
import dev.streamrec.trainer.eval.Metrics;
import dev.streamrec.trainer.eval.HybridModelFactory;
import dev.streamrec.trainer.eval.PoolingModelFactory;
import dev.streamrec.trainer.eval.SasRecModelFactory;
import dev.streamrec.trainer.service.ModelTraining;
import dev.streamrec.trainer.eval.ScorerFactory;
import dev.streamrec.trainer.eval.Selection;
import dev.streamrec.trainer.eval.ServedCandidates;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trainer evaluate --dataset DIR}: every scorer (the model and the baselines) goes through the
 * same flow on the same data ({@link Evaluation#run}): select on the validation split, fit on all
 * training data, test once; the model is tested through its exported ONNX file.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Reports, for the model (scored by ONNX Runtime) and the baselines, full-ranking HR@5/10/20, "
                + "NDCG@5/10/20 and MRR@20 over the whole catalogue minus the excluded items, and sampled HR@10/NDCG@10 "
                + "(the target among its case's negatives); ties count at their expected value under random tie-breaking.",
                "Every scorer learns from the same data: settings (the model's epochs) are chosen on a validation split "
                        + "(each user's latest new item of the training data), then the final scorer is fitted on all "
                        + "training data and tested.",
                "--dataset is a directory with leave-last-out/{train.rating,test.rating,test.negative} (ML-100K, "
                        + "amazon-beauty), or an event file split by each user's latest new item with 100 sampled negatives."})
final class EvaluateCommand implements Callable<Integer> {

    /** Scorers run when --scorers is not given. */
    static final List<String> DEFAULT_SCORERS = List.of("model", "popularity", "markov", "cooccurrence",
            "cooccurrence_symmetric", "item_knn");

    @Option(names = "--dataset", required = true, description = "Dataset directory or event file.")
    Path dataset;

    @Option(names = "--json", description = "Print the report as JSON on stdout.")
    boolean json;

    @Option(names = "--artifact-out", description = "Keep the exported artifact in this directory (default: a temporary one, deleted).")
    Path artifactOut;

    @Option(names = "--exclude", defaultValue = "history",
            description = "Items full ranking never returns: 'history' (all of the user's items, the Beauty protocol) or "
                    + "'purchases' (purchased items and the latest item, as the streams app serves) (default: ${DEFAULT-VALUE}).")
    String exclude;

    @Option(names = "--scorers", split = ",", description = "Scorers to run, comma-separated, from: model (the --model "
            + "kind), hybrid (the hybrid model whatever --model says), popularity, "
            + "markov, cooccurrence, cooccurrence_symmetric, item_knn (default: all of them).")
    List<String> scorers = DEFAULT_SCORERS;

    @Option(names = "--seeds", split = ",", description = "Train the learned scorers (model, hybrid) once per seed, e.g. "
            + "1,2,3, and report each metric's mean (per-seed figures and min/max under per_seed and spread); baselines "
            + "are deterministic and run once. Overrides --seed.")
    List<Long> seeds;

    @Option(names = "--served-candidates", description = {"Also test each learned scorer (model, hybrid) as the streams "
            + "app serves it in candidate mode: re-ranking only the candidates the app's generator would hand it "
            + "(co-visitation neighbours of the 10 latest items plus the 20 most popular, at most 200, counted from the "
            + "training data), on the same test cases; a target outside them is a miss. Reported as <scorer>@candidates, "
            + "with served_heuristic (the same candidates in the app's heuristic order: no model) and "
            + "candidate_recall (the share of targets among the candidates)."})
    boolean servedCandidates;

    @Option(names = "--served-top-m", defaultValue = "" + ServedCandidates.TOP_M, paramLabel = "N", description = {"With --served-candidates: "
            + "neighbours per item, as the app's streamrec.covisit.top-m (default: ${DEFAULT-VALUE}, the app's default)."})
    int servedTopM;

    @Option(names = "--served-sources", defaultValue = "" + ServedCandidates.SOURCES, paramLabel = "N", description = {
            "With --served-candidates: earlier items each event is related to, as the app's "
            + "streamrec.covisit.max-sources-per-event (default: ${DEFAULT-VALUE}, the app's default)."})
    int servedSources;

    /** Scorers whose result depends on the seed. */
    static final java.util.Set<String> SEEDED = java.util.Set.of("model", "hybrid");

    @Mixin
    ModelOptions model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        model.check();
        ExclusionPolicy policy = OptionRules.parsed(spec, "--exclude", () -> ExclusionPolicy.parse(exclude));
        Path dir = artifactOut != null ? artifactOut : Files.createTempDirectory("streamrec-eval-");
        try {
            List<Long> runSeeds = seeds == null || seeds.isEmpty() ? List.of(model.seed) : List.copyOf(seeds);
            Map<String, ScorerFactory> known = factories(dir);
            for (String name : scorers) {
                if (!known.containsKey(name.trim())) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--scorers: unknown scorer '" + name
                            + "', known: " + known.keySet());
                }
            }
            long started = System.nanoTime();
            Splits splits = Datasets.load(dataset);
            Evaluator evaluator = new Evaluator(policy, model.threads);
            List<Evaluation.Result> results = new ArrayList<>();
            Map<String, Map<String, Object>> perSeed = new LinkedHashMap<>();
            ServedCandidates served = servedCandidates ? ServedCandidates.count(splits.train(), servedTopM, servedSources) : null;
            for (String name : scorers.stream().map(String::trim).toList()) {
                if (!SEEDED.contains(name)) {
                    results.add(Evaluation.run(known.get(name), splits, evaluator));
                    continue;
                }
                List<Evaluation.Result> runs = new ArrayList<>();
                for (long seed : runSeeds) {
                    model.seed = seed;
                    Evaluation.Result r = Evaluation.run(factories(dir.resolve(name + "-seed-" + seed)).get(name), splits,
                            evaluator, served);
                    runs.add(r);
                    Map<String, Object> one = new LinkedHashMap<>(r.test().asMap());
                    one.put("seconds", Math.round(r.seconds() * 10) / 10.0);
                    one.put("selection", r.selection().asMap());
                    if (r.served() != null) {
                        one.put("served_candidates", r.served().asMap());
                    }
                    perSeed.computeIfAbsent(name, k -> new LinkedHashMap<>()).put(Long.toString(seed), one);
                    if (!json && runSeeds.size() > 1) {
                        printTable(List.of(new Evaluation.Result(name + "[seed " + seed + "]", r.description(),
                                r.selection(), r.test(), r.seconds())), spec.commandLine().getOut());
                    }
                }
                double seconds = runs.stream().mapToDouble(Evaluation.Result::seconds).average().orElse(0);
                results.add(runs.size() == 1 ? runs.getFirst() : new Evaluation.Result(name, runs.getFirst().description()
                        + "; mean of seeds " + runSeeds, runs.getFirst().selection(),
                        Metrics.mean(runs.stream().map(Evaluation.Result::test).toList()), seconds));
                if (served != null) {
                    results.add(new Evaluation.Result(name + "@candidates", "the same, re-ranking only the streams app's "
                            + "candidates (candidate mode)" + (runs.size() == 1 ? "" : "; mean of seeds " + runSeeds),
                            Selection.NONE, Metrics.mean(runs.stream().map(Evaluation.Result::served).toList()), seconds));
                }
            }
            if (served != null) {
                long t0 = System.nanoTime();
                Metrics heuristic = evaluator.evaluate(served.heuristic(), splits.test().holdout(), "testing served_heuristic");
                results.add(new Evaluation.Result("served_heuristic", "the streams app's candidates in its heuristic order "
                        + "(co-visitation weight, trending bonus): what it serves without a model", Selection.NONE, heuristic,
                        (System.nanoTime() - t0) / 1e9));
            }
            Map<String, Object> report = report(splits, policy, results, (System.nanoTime() - started) / 1e9);
            if (served != null) {
                report.put("candidate_recall", served.recall(splits.test().holdout(), policy));
            }
            if (runSeeds.size() > 1) {
                report.put("seeds", runSeeds);
                report.put("per_seed", perSeed);
                report.put("spread", spread(perSeed));
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } else {
                printTable(results, out);
            }
            out.flush();
        } finally {
            if (artifactOut == null) {
                deleteTree(dir);
            }
        }
        return 0;
    }

    /** Every scorer evaluate can run, by name. */
    private Map<String, ScorerFactory> factories(Path artifactDir) {
        Map<String, ScorerFactory> m = new LinkedHashMap<>();
        m.put("model", switch (model.kind()) {
            case SASREC -> new SasRecModelFactory("model", model.sasrec(), model.pipeline(false).onnx(), artifactDir);
            case HYBRID -> new HybridModelFactory("model", model.training(), model.pipeline(false).onnx(), artifactDir);
            case POOLING -> new PoolingModelFactory("model", model.training(), model.pipeline(false).onnx(), artifactDir);
        });
        m.put("hybrid", new HybridModelFactory("hybrid", model.training(), model.pipeline(false).onnx(),
                artifactDir.resolve("hybrid")));
        Baselines.ALL.forEach(b -> m.put(b.name(), b));
        return m;
    }

    private Map<String, Object> report(Splits splits, ExclusionPolicy policy, List<Evaluation.Result> results,
                                       double seconds) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("dataset", dataset.toString());
        report.put("cases", splits.test().holdout().size());
        report.put("validation_cases", splits.selection().holdout().size());
        report.put("catalogue_items", splits.catalogue().size());
        report.put("training_events", splits.train().eventCount());
        report.put("exclude", policy.label());
        report.put("protocol", "full: the target ranked against every catalogue item minus the excluded ones; sampled: "
                + "against the case's negatives, nothing excluded; ties at their expected value under uniform random "
                + "tie-breaking; every scorer selected on validation, fitted on all training data, tested once");
        Map<String, Object> descriptions = new LinkedHashMap<>();
        Map<String, Object> metrics = new LinkedHashMap<>();
        Map<String, Object> selection = new LinkedHashMap<>();
        Map<String, Object> times = new LinkedHashMap<>();
        for (Evaluation.Result r : results) {
            descriptions.put(r.name(), r.description());
            metrics.put(r.name(), r.test().asMap());
            if (!r.selection().asMap().isEmpty()) {
                selection.put(r.name(), r.selection().asMap());
            }
            times.put(r.name(), Math.round(r.seconds() * 10) / 10.0);
        }
        report.put("scorers", descriptions);
        report.put("metrics", metrics);
        report.put("selection", selection);
        report.put("seconds", times);
        report.put("total_seconds", Math.round(seconds * 10) / 10.0);
        return report;
    }

    /** Per seeded scorer and metric: the lowest and highest value over the seeds. */
    private static Map<String, Object> spread(Map<String, Map<String, Object>> perSeed) {
        Map<String, Object> out = new LinkedHashMap<>();
        perSeed.forEach((name, bySeed) -> {
            Map<String, Object> ranges = new LinkedHashMap<>();
            for (String key : List.of(Metrics.HR_AT_10, Metrics.NDCG_AT_10, Metrics.FULL_HR_AT_10, Metrics.FULL_HR_AT_20,
                    Metrics.FULL_NDCG_AT_10, Metrics.FULL_NDCG_AT_20, Metrics.FULL_MRR_AT_20)) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (Object one : bySeed.values()) {
                    double v = ((Number) ((Map<?, ?>) one).get(key)).doubleValue();
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
                ranges.put(key, List.of(lo, hi));
            }
            out.put(name, ranges);
        });
        return out;
    }

    private static void printTable(List<Evaluation.Result> results, PrintWriter out) {
        out.printf(Locale.ROOT, "%-26s %7s %7s | %7s %7s %7s %7s %7s %7s %7s | %6s %6s %7s%n", "scorer",
                "sHR@10", "sND@10", "HR@5", "HR@10", "HR@20", "NDCG@5", "NDCG@10", "NDCG@20", "MRR@20", "excl", "unkn", "s");
        for (Evaluation.Result r : results) {
            Metrics m = r.test();
            out.printf(Locale.ROOT, "%-26s %7.4f %7.4f | %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f %7.4f | %6d %6d %7.1f%n",
                    r.name(), m.hrAt10(), m.ndcgAt10(), m.fullHrAt5(), m.fullHrAt10(), m.fullHrAt20(), m.fullNdcgAt5(),
                    m.fullNdcgAt10(), m.fullNdcgAt20(), m.fullMrrAt20(), m.excludedTargets(), m.unknownTargets(), r.seconds());
        }
    }

    private static void deleteTree(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to delete temporary artifact " + dir, e);
        }
    }
}
