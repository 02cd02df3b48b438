package dev.streamrec.launcher.dev;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamrec.app.Application;
import dev.streamrec.app.cli.EventPublisher;
import dev.streamrec.app.cli.SimulateCommand;
import dev.streamrec.app.metrics.StreamrecMetrics;
import dev.streamrec.app.model.ModelManager;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.broker.EmbeddedKafkaBroker;
import dev.streamrec.console.OptionRules;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.console.StopSignals;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.service.TrainerService;
import io.micronaut.context.ApplicationContext;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dev}: the embedded default. Starts an in-process Kafka broker, the streams app, the
 * trainer on a short schedule and an event source (the simulator, or a file), prints where to look
 * and a live progress line, and stops everything cleanly on Ctrl-C.
 *
 * <p>The console is a live view ({@link LiveView}): the banner, one status line (events, recommendations,
 * duplicates, dead letters, model, training progress) and short notes above it; every log line goes to
 * {@code <data-dir>/logs/dev.log}. Expected failures (a bad {@code --import} file, a data directory or
 * port in use) are found before anything starts and reported in one line ({@link DevPreflight}).
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run everything on this machine: in-process Kafka broker, streams app, trainer, event simulator (or --import FILE).")
public final class DevCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DevCommand.class);
    private static final String MODEL_NAME = "streamrec";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration TRAINER_START_LATEST = Duration.ofSeconds(30);
    /** How long a stop waits for a retrain in progress, after the app and the broker have closed. */
    private static final Duration TRAINER_STOP_WAIT = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port of the app, 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Port of the in-process broker; its controller listens on this port + 1 (default: ${DEFAULT-VALUE}), 0 picks free ones.")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = "data", description = "Where the broker log, streams state, models and logs (logs/dev.log) live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--fresh", description = "Empty the data directory first (broker log, streams state, models, logs).")
    boolean fresh;

    @Option(names = "--rate", defaultValue = "200", description = "Simulated events per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--users", defaultValue = "2000", description = "Simulated users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--items", defaultValue = "1000", description = "Simulated catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--import", paramLabel = "FILE", description = "Replay this file (MovieLens u.data or CSV, see 'import --help') instead of simulating.")
    Path importFile;

    @Option(names = "--import-rate", defaultValue = "500", description = "Events per second for --import, 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    double importRate;

    @Option(names = "--no-trainer", description = "Do not run the trainer (recommendations stay heuristic until a model is published).")
    boolean noTrainer;

    @Option(names = "--train-every", defaultValue = "PT2M", description = "Retrain at least this often, ISO-8601 duration (default: ${DEFAULT-VALUE}).")
    Duration trainEvery;

    @Option(names = "--train-after-events", defaultValue = "5000", description = "Retrain sooner once this many new events arrived (default: ${DEFAULT-VALUE}).")
    long trainAfterEvents;

    @Option(names = "--duration", defaultValue = "0", description = "Stop by itself after this many seconds, 0 to run until Ctrl-C (default: ${DEFAULT-VALUE}).")
    long durationSeconds;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final AtomicReference<ApplicationContext> context = new AtomicReference<>();
    /**
     * The first users this run sent events for: candidates for the sample URL, since the app, which may lag
     * behind the source, processes their events first.
     */
    private final Set<String> firstUsers = ConcurrentHashMap.newKeySet();
    private volatile boolean producing = true;
    /** Stopped by Ctrl-C or SIGTERM: the process ends with this command (a test's requestStop does not). */
    private volatile boolean signalled;
    private LiveView view;

    @Override
    public Integer call() throws Exception {
        // Everything that can be checked is checked before anything starts: one line naming the cause.
        OptionRules.port(spec, "--port", port, true);
        OptionRules.port(spec, "--kafka-port", kafkaPort, true);
        OptionRules.atLeast(spec, "--duration", durationSeconds, 0);
        OptionRules.positive(spec, "--rate", rate);
        OptionRules.atLeast(spec, "--users", users, 1);
        OptionRules.atLeast(spec, "--items", items, 2);
        OptionRules.atLeast(spec, "--import-rate", importRate, 0);
        OptionRules.atLeast(spec, "--train-after-events", trainAfterEvents, 1);
        OptionRules.positive(spec, "--train-every", trainEvery);
        List<UserEvent> imported = importFile == null ? null : DevPreflight.readImport(importFile);
        try (AutoCloseable lock = DevPreflight.lockDataDir(dataDir)) {
            if (fresh) {
                DevPreflight.wipe(dataDir);
            }
            DevPreflight.requireFreePorts(port, kafkaPort);
            Path logFile = dataDir.resolve("logs").resolve("dev.log").toAbsolutePath();
            try (DevLogging logging = DevLogging.toFile(logFile)) {
                return run(imported, logFile);
            }
        }
    }

    private int run(List<UserEvent> imported, Path logFile) throws Exception {
        view = new LiveView(System.err, System.console() != null);
        // On Ctrl-C the JVM exits once the hooks return, so the hook waits for the cleanup below.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dev-shutdown");
        Runtime.getRuntime().addShutdownHook(hook); // for exits other than a signal
        // Ctrl-C stops in order before the JVM's shutdown begins (see StopSignals): an abort there costs the next
        // start the dead consumer-group member's session timeout and a recovery of the broker's logs
        StopSignals.route(() -> {
            signalled = true;
            view.note("dev: stopping (Ctrl-C again quits at once)");
            stop.countDown();
        });
        System.err.println("streamrec dev: starting (logs in " + logFile + ")");
        printJvmWarningsNow();
        ProgressBar.routeTo(view::training); // the trainer's epoch bars become one field of the live line
        Thread trainerStop = null;
        try {
            // An imported dataset's events are years old: the broker's default 7-day retention would delete
            // them from user-events at its next check, mid-import. Simulated events are recent, so they keep it.
            Map<String, String> brokerConfig = imported == null ? Map.of() : Map.of("log.retention.ms", "-1");
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafkaPort, dataDir.resolve("kafka").toAbsolutePath(), brokerConfig);
                 ApplicationContext ctx = Application.start(Map.of(
                         "kafka.bootstrap.servers", broker.bootstrapServers(),
                         "micronaut.server.port", port == 0 ? -1 : port,
                         "kafka.streams.default.state.dir", dataDir.resolve("streams").toAbsolutePath().toString(),
                         // the trainer below writes its artifacts there; the app trusts no other local path
                         "streamrec.models.artifact-roots", dataDir.resolve("models").toAbsolutePath().toString(),
                         "streamrec.models.artifact-cache-dir", dataDir.resolve("model-cache").toAbsolutePath().toString()))) {
                context.set(ctx);
                Thread source = startEventSource(broker.bootstrapServers(), imported);
                TrainerService trainer = noTrainer ? null : newTrainer(broker.bootstrapServers());
                try {
                    printBanner(ctx, broker, logFile);
                    reportProgressUntilStopped(ctx, trainer);
                    producing = false; // the publisher drains what it has sent, then closes
                    source.join(30_000);
                } finally {
                    // A retrain in progress is cancelled and ends at its next batch (TrainerService.close): the app
                    // and the broker close meanwhile, so that what the next start depends on (group left, logs
                    // closed) is done first.
                    trainerStop = trainer == null ? null : Thread.ofPlatform().name("dev-trainer-stop").start(trainer::close);
                }
            } finally {
                if (trainerStop != null) {
                    trainerStop.join(signalled ? TRAINER_STOP_WAIT.toMillis() : 0);
                }
                view.close();
                ProgressBar.routeTo(null);
            }
            if (trainerStop != null && trainerStop.isAlive()) {
                // A cancelled retrain still inside one long native call (up to TrainerService's 10 s stop wait):
                // nothing of it is worth the wait once the app and the broker are closed, and halting skips ONNX
                // Runtime's hook, which would abort under a session the retrain still evaluates with.
                System.err.println("dev: stopped cleanly (the retrain in progress was dropped)");
                System.err.flush();
                Runtime.getRuntime().halt(0);
            }
            System.err.println("dev: stopped cleanly");
            return 0;
        } finally {
            producing = false;
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting because of Ctrl-C; the hook is waiting for us
            }
            finished.countDown();
        }
    }

    /** For tests and the shutdown hook: ends {@link #call()}. */
    public void requestStop() {
        stop.countDown();
    }

    /** The running application context, once started (tests read the HTTP port from it). */
    public ApplicationContext context() {
        return context.get();
    }

    private Thread startEventSource(String bootstrapServers, List<UserEvent> imported) {
        Iterator<UserEvent> events;
        double eventsPerSecond;
        if (imported != null) {
            LOG.info("importing {} events from {}", imported.size(), importFile);
            events = imported.iterator();
            eventsPerSecond = importRate;
        } else {
            // A new run seed each start: the same shoppers, but events with new ids, which the app
            // would otherwise drop as duplicates of the previous run's when restarted on ./data.
            ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withUsers(users).withItems(items),
                    System.currentTimeMillis());
            events = SimulateCommand.events(sim, 0);
            eventsPerSecond = rate;
        }
        Iterator<UserEvent> source = events;
        Thread t = new Thread(() -> {
            try (EventPublisher publisher = new EventPublisher(bootstrapServers, Topics.DEFAULT.userEvents())) {
                publisher.publish(new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return producing && source.hasNext();
                    }

                    @Override
                    public UserEvent next() {
                        UserEvent e = source.next();
                        if (firstUsers.size() < 32) {
                            firstUsers.add(e.getUserId());
                        }
                        return e;
                    }
                }, eventsPerSecond, null);
                publisher.flush();
                if (imported != null && producing) {
                    view.note("dev: all " + imported.size() + " events of " + importFile + " sent");
                }
            } catch (RuntimeException e) {
                LOG.error("event source stopped", e);
                view.note("dev: the event source stopped: " + e.getMessage());
            }
        }, "dev-event-source");
        t.start();
        return t;
    }

    /** The trainer on a short schedule, writing artifacts under the data directory; started by the progress loop. */
    private TrainerService newTrainer(String bootstrapServers) {
        return new TrainerService(TrainerService.Settings
                .defaults(bootstrapServers, dataDir.resolve("models").toAbsolutePath(), MODEL_NAME)
                .withSchedule(trainEvery, trainAfterEvents));
    }

    private void printBanner(ApplicationContext ctx, EmbeddedKafkaBroker broker, Path logFile) {
        String base = baseUrl(ctx);
        System.err.println();
        System.err.println("streamrec dev is running (Ctrl-C stops it)");
        System.err.println("  Kafka bootstrap     " + broker.bootstrapServers()
                + (kafkaPort == 0 ? "" : " (its KRaft controller listens on port " + (kafkaPort + 1) + ")"));
        System.err.println("  recommendations     " + base + "/recommendations/{userId}?k=10 (a user's URL follows once one has some)");
        System.err.println("  a user's history    " + base + "/users/{userId}/history");
        System.err.println("  health              " + base + "/health");
        System.err.println("  metrics             " + base + "/prometheus");
        System.err.println("  models              " + (noTrainer ? "(trainer off)" : dataDir.resolve("models").toAbsolutePath()
                + " (retrained every " + trainEvery.toMinutes() + " min or " + trainAfterEvents + " new events)"));
        System.err.println("  data                " + dataDir.toAbsolutePath());
        System.err.println("  logs                " + logFile);
        System.err.println();
    }

    /**
     * Java 25 warns on stderr the first time protobuf (ONNX export and model loading) touches
     * sun.misc.Unsafe; have it do so now, before the live view, rather than in the middle of it.
     * ({@code ./streamrec} passes {@code --sun-misc-unsafe-memory-access=allow}, which silences it.)
     */
    private static void printJvmWarningsNow() {
        try {
            Class.forName("com.google.protobuf.UnsafeUtil", true, DevCommand.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            // no protobuf on the class path: nothing will warn
        }
    }

    private static String baseUrl(ApplicationContext ctx) {
        return "http://localhost:" + ctx.getBean(EmbeddedServer.class).getPort();
    }

    /**
     * Redraws the live line every 2 s until stopped. Starts the trainer once the app processes events (or after
     * {@link #TRAINER_START_LATEST}): a retrain at once would take the CPU of a small machine from the
     * app just when it starts, or restarts on a backlog (every event in the topic is new to the trainer).
     */
    private void reportProgressUntilStopped(ApplicationContext ctx, TrainerService trainer) throws InterruptedException {
        MeterRegistry registry = ctx.getBean(MeterRegistry.class);
        ModelManager models = ctx.getBean(ModelManager.class);
        String base = baseUrl(ctx);
        long deadline = durationSeconds > 0 ? System.nanoTime() + durationSeconds * 1_000_000_000L : Long.MAX_VALUE;
        double lastIn = 0;
        double lastOut = 0;
        boolean duplicatesNoted = false;
        String sampleUser = null;
        long startedNanos = System.nanoTime();
        long startedMillis = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime(); // this run's lists are newer
        JsonMapper json = ctx.getBean(JsonMapper.class);
        boolean trainerStarted = trainer == null;
        long lastNanos = startedNanos;
        while (!stop.await(2, java.util.concurrent.TimeUnit.SECONDS) && System.nanoTime() < deadline) {
            double in = count(registry, StreamrecMetrics.EVENTS_IN);
            double out = count(registry, StreamrecMetrics.RECOMMENDATIONS_OUT);
            double dlq = count(registry, StreamrecMetrics.DLQ_RECORDS);
            double duplicates = count(registry, StreamrecMetrics.DUPLICATES);
            long now = System.nanoTime();
            double secs = (now - lastNanos) / 1e9;
            if (sampleUser == null && out > 0) {
                sampleUser = userWithRecommendations(base, json, startedMillis);
                if (sampleUser != null) {
                    view.note("dev: first recommendations: " + base + "/recommendations/" + sampleUser + "?k=10");
                }
            }
            // Not before this run's first list is served: on a restart the trainer reads the whole topic and
            // retrains at once (all of it is new to it), taking most of a small machine's CPU from the app just
            // while it catches up (measured: trainer threads sampled 3x as often as the stream thread).
            if (!trainerStarted && (sampleUser != null || now - startedNanos > TRAINER_START_LATEST.toNanos())) {
                trainer.start();
                trainerStarted = true;
            }
            if (!duplicatesNoted && duplicates > 0) {
                duplicatesNoted = true;
                view.note("dev: events are being dropped as duplicates: their event ids were seen before (within "
                        + "streamrec.dedupe.retention); importing the same file again repeats every id");
            }
            String training = view.trainingProgress();
            String model = models.current().map(m -> "model " + m.version()).orElse("heuristic");
            view.status(String.format(Locale.ROOT,
                    "events in %,.0f (%,.0f/s) | recommendations %,.0f (%,.0f/s) | duplicates %,.0f | dead letters %,.0f | %s%s",
                    in, (in - lastIn) / secs, out, (out - lastOut) / secs, duplicates, dlq, model,
                    training.isEmpty() ? "" : " | training " + training));
            lastIn = in;
            lastOut = out;
            lastNanos = now;
        }
    }

    /**
     * One of the first users this run sent events for whose served list was generated by this run (at or
     * after {@code sinceMillis}), or null. On a restart every user already has the previous run's list: a
     * 200 alone would name a URL that shows an old list.
     */
    private String userWithRecommendations(String base, JsonMapper json, long sinceMillis) {
        for (String user : List.copyOf(firstUsers)) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/recommendations/" + user))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && json.readValue(r.body(), io.micronaut.json.tree.JsonNode.class).get("generatedAt").getLongValue() >= sinceMillis) {
                    return user;
                }
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static double count(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
