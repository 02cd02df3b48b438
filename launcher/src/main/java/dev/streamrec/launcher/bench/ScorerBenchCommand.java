package dev.streamrec.launcher.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

import dev.streamrec.app.scoring.BatchScorer;
import dev.streamrec.app.scoring.ScoreRequest;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.model.ModelContract;
import dev.streamrec.console.OptionRules;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.HistoryBatch;
import dev.streamrec.onnx.ItemRows;
import dev.streamrec.onnx.ModelLoadException;
import dev.streamrec.onnx.OnnxDevice;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.ScoringMode;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.trainer.export.ArtifactWriter;
import dev.streamrec.trainer.export.OnnxExporter;
import dev.streamrec.trainer.model.AgeBuckets;
import dev.streamrec.trainer.model.RecModel;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.model.CoVisitation;
import dev.streamrec.trainer.model.DenseEase;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.eval.HybridWeight;
import dev.streamrec.trainer.seq.SasRecModel;
import dev.streamrec.trainer.model.Vocabulary;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Scorer benchmark: exports the trainer's graph over a random item table (N items x dim), opens it
 * with the app's {@link RecommenderSession} on each device, and measures ONNX Runtime calls (what
 * {@code streamrec_scoring_latency_seconds} times: tensors in, scores out) for each batch size in
 * candidate mode (C candidates per user) and full-catalog mode (top k inside the graph). Prints a
 * Markdown table: users scored per second, and per-call p50/p99.
 *
 * <p>Registered as {@code streamrec.jar bench-scorer}; also runs without Micronaut:
 * {@code java --enable-native-access=ALL-UNNAMED -cp 'streamrec.jar:lib/*' dev.streamrec.launcher.bench.ScorerBenchCommand --items 100000}.
 * CUDA rows appear when the CUDA provider loads (device {@code cuda} is skipped with a note otherwise).
 */
@Command(name = "bench-scorer", mixinStandardHelpOptions = true,
        description = "Benchmark the ONNX Runtime scorer: rows/s for batch sizes x modes x catalogue sizes, CPU and CUDA.")
public final class ScorerBenchCommand implements Callable<Integer> {

    @Option(names = "--items", split = ",", defaultValue = "100000,1000000",
            description = "Catalogue sizes (items in the random table), comma-separated (default: ${DEFAULT-VALUE}).")
    List<Integer> items;

    @Option(names = "--dim", defaultValue = "64", description = "Embedding width (default: ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--batches", split = ",", defaultValue = "1,64,512",
            description = "Users per ONNX Runtime call (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--candidates", defaultValue = "100", description = "Candidates per user in candidate mode (default: ${DEFAULT-VALUE}).")
    int candidates;

    @Option(names = "--k", defaultValue = "20", description = "Top k in full-catalog mode (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--history", defaultValue = "20", description = "History length of the model and of each user (default: ${DEFAULT-VALUE}).")
    int history;

    /** What {@code --model} names: the graphs {@link #export} builds, and those the {@code --swap-latency} run builds. */
    static final List<String> MODELS = List.of("pooling", "hybrid", "hybrid-ease", "hybrid-ease-dense", "sasrec");
    static final List<String> SWAP_MODELS = List.of("pooling", "hybrid", "sasrec");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "pooling",
            description = "Graph to time: pooling, hybrid (pooling + a random 100-neighbour co-occurrence table), hybrid-ease "
                    + "(the hybrid + a random --ease-neighbours table read over --ease-window events, as the EASE table), "
                    + "hybrid-ease-dense (the hybrid + random dense EASE factors, [V+1, --ease-rank] each, read over --ease-window events, "
                    + "default " + HybridWeight.DEFAULT_DENSE_EASE_WINDOW + ", as --ease-dense) or sasrec "
                    + "(2 self-attention blocks) (default: ${DEFAULT-VALUE}).")
    String modelKind;

    @Option(names = "--ease-window", description = "hybrid-ease: events the long table reads (default: the most the trainer "
            + "chooses, HybridWeight.MAX_EASE_WINDOW); hybrid-ease-dense: events the dense term reads (default: "
            + "HybridWeight.DEFAULT_DENSE_EASE_WINDOW).")
    Integer easeWindow;

    @Option(names = "--ease-rank", description = "hybrid-ease-dense: rank of the dense term's factors (default: "
            + "HybridWeight.DENSE_EASE_RANK, capped at the catalogue's rows).")
    Integer easeRank;

    @Option(names = "--ease-neighbours", description = "hybrid-ease: neighbours per item in the long table (default: "
            + "HybridWeight.EASE_NEIGHBOURS).")
    Integer easeNeighbours;

    @Option(names = "--devices", split = ",", defaultValue = "cpu,cuda",
            description = "Devices to measure: cpu, cuda (skipped with a note when the CUDA provider does not load) (default: ${DEFAULT-VALUE}).")
    List<String> devices;

    @Option(names = "--modes", split = ",", defaultValue = "candidates,full",
            description = "Scoring modes (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--seconds", defaultValue = "3", description = "Measuring time per cell, after warm-up (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--min-calls", defaultValue = "5", description = "At least this many calls per cell (default: ${DEFAULT-VALUE}).")
    int minCalls;

    @Option(names = "--intra-op-threads", defaultValue = "0", description = "ONNX Runtime intra-op threads, 0 = one per core (default: ${DEFAULT-VALUE}).")
    int intraOpThreads;

    @Option(names = "--work-dir", description = "Where the exported graphs go (default: a temporary directory, deleted after).")
    Path workDir;

    @Option(names = "--out", description = "Also write the Markdown table to this file.")
    Path out;

    @Option(names = "--swap-latency", description = "Instead of the table: p50/p99 of scoring calls in steady state vs "
            + "during hot-swaps, in one run (first --items size, first --modes mode, largest --batches size).")
    boolean swapLatency;

    @Option(names = "--swaps", defaultValue = "5", description = "Hot-swaps in the --swap-latency run (default: ${DEFAULT-VALUE}).")
    int swaps;

    /** One measured cell. */
    record Cell(int items, String device, String mode, int batch, int calls, double p50Ms, double p99Ms, double rowsPerSecond) {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ScorerBenchCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        OptionRules.oneOf(spec, "--model", modelKind, swapLatency ? SWAP_MODELS : MODELS);
        checkOptions();
        boolean temporary = workDir == null;
        Path dir = temporary ? Files.createTempDirectory("streamrec-bench-") : Files.createDirectories(workDir);
        List<Cell> cells = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (swapLatency) {
            try {
                String report = swapLatency(dir);
                System.out.println(report);
                if (out != null) {
                    Files.writeString(out, report);
                }
                return 0;
            } finally {
                if (temporary) {
                    deleteTree(dir);
                }
            }
        }
        try {
            for (int n : items) {
                long t0 = System.nanoTime();
                ModelArtifact artifact = export(dir, n);
                notes.add(String.format(Locale.ROOT, "%,d x %d graph: exported and golden-checked in %.1f s (%,d MB)", n,
                        dim, (System.nanoTime() - t0) / 1e9, Files.size(artifact.modelFile()) >> 20));
                for (String d : devices) {
                    cells.addAll(measure(artifact, n, OnnxDevice.parse(d), notes));
                }
                deleteArtifact(artifact);
            }
        } finally {
            if (temporary) {
                deleteTree(dir);
            }
        }
        String table = markdown(cells, notes);
        System.out.println(table);
        if (out != null) {
            Files.writeString(out, table);
        }
        return 0;
    }

    /** Range checks before any graph is exported: each of these failed with a stack trace, or measured nothing. */
    private void checkOptions() {
        for (int n : items) {
            OptionRules.atLeast(spec, "--items", n, 1);
        }
        for (int b : batches) {
            OptionRules.atLeast(spec, "--batches", b, 1);
        }
        for (String d : devices) {
            OptionRules.parsed(spec, "--devices", () -> OnnxDevice.parse(d));
        }
        for (String m : modes) {
            OptionRules.parsed(spec, "--modes", () -> ScoringMode.parse(m));
        }
        OptionRules.atLeast(spec, "--dim", dim, 1);
        OptionRules.atLeast(spec, "--candidates", candidates, 1);
        OptionRules.atLeast(spec, "--k", k, 1);
        OptionRules.atLeast(spec, "--history", history, 1);
        OptionRules.positive(spec, "--seconds", seconds);
        OptionRules.atLeast(spec, "--min-calls", minCalls, 1);
        OptionRules.atLeast(spec, "--intra-op-threads", intraOpThreads, 0);
        OptionRules.atLeast(spec, "--swaps", swaps, 1);
        atLeastOneIfGiven("--ease-window", easeWindow);
        atLeastOneIfGiven("--ease-rank", easeRank);
        atLeastOneIfGiven("--ease-neighbours", easeNeighbours);
    }

    private void atLeastOneIfGiven(String option, Integer value) {
        if (value != null) {
            OptionRules.atLeast(spec, option, value, 1);
        }
    }

    private ModelArtifact export(Path dir, int n) {
        List<String> ids = IntStream.range(0, n).mapToObj(i -> "i" + i).toList();
        RecModel model = switch (modelKind) {
            case "pooling" -> SeqRecModel.initialise(new Vocabulary(ids), dim, history, AgeBuckets.DEFAULT_BOUNDARIES, 7L);
            case "sasrec" -> SasRecModel.initialise(new Vocabulary(ids), dim, history, 2, 7L);
            case "hybrid" -> new HybridModel(SeqRecModel.initialise(new Vocabulary(ids), dim, history,
                    AgeBuckets.DEFAULT_BOUNDARIES, 7L), CoVisitation.random(ids.size() + 1, HybridWeight.NEIGHBOURS,
                    HybridWeight.MAX_WINDOW, 16, 7L));
            // the hybrid with its long-history EASE table at the widest reading (every user sends that many events)
            case "hybrid-ease" -> new HybridModel(SeqRecModel.initialise(new Vocabulary(ids), dim, history,
                    AgeBuckets.DEFAULT_BOUNDARIES, 7L), CoVisitation.random(ids.size() + 1, HybridWeight.NEIGHBOURS,
                    HybridWeight.MAX_WINDOW, 16, 7L), CoVisitation.random(ids.size() + 1, easeNeighbours == null ? HybridWeight.EASE_NEIGHBOURS : easeNeighbours,
                    easeWindow == null ? HybridWeight.MAX_EASE_WINDOW : easeWindow, 4, 8L));
            // the hybrid with the dense EASE term at its reading (every user sends that many events)
            case "hybrid-ease-dense" -> new HybridModel(SeqRecModel.initialise(new Vocabulary(ids), dim, history,
                    AgeBuckets.DEFAULT_BOUNDARIES, 7L), CoVisitation.random(ids.size() + 1, HybridWeight.NEIGHBOURS,
                    HybridWeight.MAX_WINDOW, 16, 7L), null, DenseEase.random(ids.size() + 1,
                    easeWindow == null ? HybridWeight.DEFAULT_DENSE_EASE_WINDOW : easeWindow,
                    Math.min(easeRank == null ? HybridWeight.DENSE_EASE_RANK : easeRank, ids.size() + 1), 0.05, 8L));
            default -> throw new IllegalArgumentException("--model must be one of " + MODELS + ", was " + modelKind);
        };
        return ArtifactWriter.write(model, new OnnxExporter.Metadata("bench", "n" + n,
                new ModelManifest.TrainedOn(0, 0, 0, "random"), Map.of()), System.currentTimeMillis(),
                dir.resolve("bench").resolve("n" + n));
    }

    private List<Cell> measure(ModelArtifact artifact, int n, OnnxDevice device, List<String> notes) {
        ScoringSettings settings = ScoringSettings.defaults().withDevice(device).withIntraOpThreads(intraOpThreads);
        RecommenderSession session;
        try {
            session = new SessionFactory(settings.session()).open(artifact);
        } catch (ModelLoadException e) {
            notes.add(device.name().toLowerCase(Locale.ROOT) + ": not measured, " + e.getMessage());
            return List.of();
        }
        List<Cell> cells = new ArrayList<>();
        try (session) {
            SplittableRandom random = new SplittableRandom(n);
            for (String m : modes) {
                ScoringMode mode = ScoringMode.parse(m);
                for (int b : batches) {
                    cells.add(cell(session, n, mode, b, random));
                    System.err.println("measured " + cells.getLast());
                }
            }
        }
        return cells;
    }

    private Cell cell(RecommenderSession session, int n, ScoringMode mode, int b, SplittableRandom random) {
        int l = session.maxHistory();
        String[] hist = new String[b * l];
        long[] types = new long[b * l];
        float[] ages = new float[b * l];
        for (int i = 0; i < hist.length; i++) {
            hist[i] = "i" + random.nextInt(n);
            types[i] = 1 + random.nextInt(ModelContract.TYPE_CODES - 1);
            ages[i] = random.nextInt(86_400);
        }
        HistoryBatch batch = new HistoryBatch(b, l, hist, types, ages);
        ItemRows cands = ItemRows.padding(b, candidates);
        for (int i = 0; i < cands.ids().length; i++) {
            cands.ids()[i] = "i" + random.nextInt(n);
        }
        ItemRows exclude = ItemRows.padding(b, 1);
        Runnable call = mode == ScoringMode.CANDIDATES
                ? () -> session.scoreCandidates(batch, cands)
                : () -> session.topItems(batch, exclude, k);
        call.run(); // warm-up: memory planning, buffers of this shape
        call.run();
        List<Long> times = new ArrayList<>();
        long budget = (long) (seconds * 1e9);
        long started = System.nanoTime();
        while (times.size() < minCalls || System.nanoTime() - started < budget) {
            long s = System.nanoTime();
            call.run();
            times.add(System.nanoTime() - s);
        }
        long total = times.stream().mapToLong(Long::longValue).sum();
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Cell(n, session.device(), mode == ScoringMode.CANDIDATES ? "candidates (" + candidates + ")" : "full top-" + k,
                b, sorted.length, percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.99) / 1e6,
                (double) b * sorted.length / (total / 1e9));
    }

    /**
     * One scoring thread (as a stream thread would) calls the {@link BatchScorer} back to back through a
     * real {@code ModelManager}; every {@code seconds} a newer version is announced and loaded, checked,
     * warmed up and swapped in on the loader thread. Calls that overlap a load are "during swap".
     */
    private String swapLatency(Path dir) {
        int n = items.getFirst();
        ScoringMode mode = ScoringMode.parse(modes.getFirst());
        int b = batches.stream().mapToInt(Integer::intValue).max().orElse(64);
        List<String> ids = IntStream.range(0, n).mapToObj(i -> "i" + i).toList();
        RecModel model = switch (modelKind) {
            case "pooling" -> SeqRecModel.initialise(new Vocabulary(ids), dim, history, AgeBuckets.DEFAULT_BOUNDARIES, 7L);
            case "sasrec" -> SasRecModel.initialise(new Vocabulary(ids), dim, history, 2, 7L);
            case "hybrid" -> new HybridModel(SeqRecModel.initialise(new Vocabulary(ids), dim, history,
                    AgeBuckets.DEFAULT_BOUNDARIES, 7L), CoVisitation.random(ids.size() + 1, HybridWeight.NEIGHBOURS,
                    HybridWeight.MAX_WINDOW, 16, 7L));
            default -> throw new IllegalArgumentException("--model must be one of " + SWAP_MODELS + ", was " + modelKind);
        };
        List<dev.streamrec.avro.ModelPublished> versions = new ArrayList<>();
        for (int v = 0; v <= swaps; v++) {
            String version = String.format(Locale.ROOT, "v%03d", v);
            ModelArtifact a = ArtifactWriter.write(model, new OnnxExporter.Metadata("bench", version,
                    new ModelManifest.TrainedOn(0, 0, 0, "random"), Map.of()), 1L, dir.resolve("bench").resolve(version));
            versions.add(dev.streamrec.avro.ModelPublished.newBuilder().setName("bench").setVersion(version)
                    .setUri(a.directory().toString()).setSha256(a.manifest().sha256()).setCreatedAt(1L)
                    .setTrainedOn(dev.streamrec.avro.TrainingWindow.newBuilder().setStartTimestamp(0).setEndTimestamp(0)
                            .setEventCount(0).setSource("random").build()).build());
        }
        ScoringSettings settings = ScoringSettings.defaults().withMode(mode).withIntraOpThreads(intraOpThreads)
                .withBatching(b, java.time.Duration.ofMillis(20));
        ScoringMetrics metrics = new ScoringMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        dev.streamrec.app.model.ModelManager manager = new dev.streamrec.app.model.ModelManager(
                new dev.streamrec.app.model.ModelLoader(new dev.streamrec.app.model.ArtifactFetcher(
                        dev.streamrec.app.model.ArtifactPolicy.localOnly(List.of(dir), dir.resolve("cache"))), settings,
                        // every user sends the model its whole reading here: no history shortfall to warn of
                        new SessionFactory(settings.session()), 2 * k, Integer.MAX_VALUE, java.time.Clock.systemUTC()),
                dev.streamrec.app.model.ModelSettings.defaults(), metrics);
        try (manager) {
            manager.announce(versions.getFirst(), System.nanoTime());
            manager.awaitIdle(java.time.Duration.ofMinutes(10));
            BatchScorer scorer = new BatchScorer(manager, settings, metrics);
            SplittableRandom random = new SplittableRandom(3);
            List<ScoreRequest> requests = new ArrayList<>();
            for (int u = 0; u < b; u++) {
                List<dev.streamrec.onnx.HistoryEvent> h = new ArrayList<>();
                for (int j = 0; j < history; j++) {
                    h.add(new dev.streamrec.onnx.HistoryEvent("i" + random.nextInt(n), dev.streamrec.avro.EventType.VIEW,
                            1_000_000L + j));
                }
                List<dev.streamrec.app.topology.Candidate> c = new ArrayList<>();
                for (int j = 0; j < candidates; j++) {
                    c.add(new dev.streamrec.app.topology.Candidate("i" + random.nextInt(n), 1.0, "trending"));
                }
                requests.add(new ScoreRequest("u" + u, h, c, java.util.Set.of(), k, 2_000_000L));
            }
            long[][] windows = new long[swaps][2];
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong fallbacks = new java.util.concurrent.atomic.AtomicLong();
            List<long[]> calls = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread scoring = new Thread(() -> {
                while (!stop.get()) {
                    long s = System.nanoTime();
                    List<dev.streamrec.app.topology.Ranking> r = scorer.rank(requests, id -> true);
                    calls.add(new long[] {s, System.nanoTime()});
                    if (r.size() != requests.size() || r.stream().anyMatch(x -> x.modelVersion().equals("heuristic"))) {
                        fallbacks.incrementAndGet();
                    }
                }
            }, "bench-scoring");
            scoring.start();
            long step = (long) (seconds * 1e9);
            sleepNanos(step);
            for (int i = 0; i < swaps; i++) {
                windows[i][0] = System.nanoTime();
                manager.announce(versions.get(i + 1), windows[i][0]);
                manager.awaitIdle(java.time.Duration.ofMinutes(10));
                windows[i][1] = System.nanoTime();
                sleepNanos(step);
            }
            stop.set(true);
            try {
                scoring.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<Long> steady = new ArrayList<>();
            List<Long> during = new ArrayList<>();
            for (long[] c : calls) {
                boolean overlaps = false;
                for (long[] w : windows) {
                    overlaps |= c[0] <= w[1] && c[1] >= w[0];
                }
                (overlaps ? during : steady).add(c[1] - c[0]);
            }
            double swapMs = java.util.Arrays.stream(windows).mapToLong(w -> w[1] - w[0]).average().orElse(0) / 1e6;
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "Hot-swap under load: %,d items x %d, %s mode, batch %d, %d swaps "
                    + "(load + golden + warm-up + swap: mean %.0f ms each), one scoring thread, %s%n%n", n, dim,
                    mode.name().toLowerCase(Locale.ROOT), b, swaps, swapMs, manager.current().orElseThrow().session().device()));
            sb.append("| window | calls | p50 ms/call | p99 ms/call | max ms/call |\n|---|---:|---:|---:|---:|\n");
            sb.append(row("steady state", steady)).append(row("during a swap", during));
            sb.append(String.format(Locale.ROOT, "%nCalls answered by the heuristic fallback (a failed call or no model): %d of %d.%n",
                    fallbacks.get(), calls.size()));
            return sb.toString();
        }
    }

    private static String row(String what, List<Long> nanos) {
        long[] s = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (s.length == 0) {
            return "| " + what + " | 0 | - | - | - |\n";
        }
        return String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f | %.2f |%n", what, s.length, percentile(s, 0.5) / 1e6,
                percentile(s, 0.99) / 1e6, s[s.length - 1] / 1e6);
    }

    private static void sleepNanos(long nanos) {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long percentile(long[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String markdown(List<Cell> cells, List<String> notes) {
        StringBuilder sb = new StringBuilder();
        sb.append("| items | device | mode | batch | calls | p50 ms/call | p99 ms/call | users/s |\n");
        sb.append("|---:|---|---|---:|---:|---:|---:|---:|\n");
        for (Cell c : cells) {
            sb.append(String.format(Locale.ROOT, "| %,d | %s | %s | %d | %d | %.2f | %.2f | %,.0f |%n", c.items(),
                    c.device(), c.mode(), c.batch(), c.calls(), c.p50Ms(), c.p99Ms(), c.rowsPerSecond()));
        }
        for (String n : notes) {
            sb.append("\n- ").append(n);
        }
        return sb.append('\n').toString();
    }

    private static void deleteArtifact(ModelArtifact a) {
        deleteTree(a.directory());
    }

    private static void deleteTree(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to delete " + dir, e);
        }
    }

    /** Measured rows per second of the candidate/full cells (tests). */
    static double rowsPerSecond(List<Cell> cells, String mode) {
        return cells.stream().filter(c -> c.mode().startsWith(mode)).mapToDouble(Cell::rowsPerSecond).max().orElse(0);
    }
}
