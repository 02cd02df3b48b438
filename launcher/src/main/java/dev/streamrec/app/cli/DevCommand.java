package dev.streamrec.app.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamrec.app.Application;
import dev.streamrec.app.metrics.StreamrecMetrics;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.broker.EmbeddedKafkaBroker;
import dev.streamrec.events.EventCsv;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.service.TrainerService;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dev}: the embedded default. Starts an in-process Kafka broker, the streams app, the
 * trainer on a short schedule and an event source (the simulator, or a file), prints where to look
 * and a live progress line, and stops everything cleanly on Ctrl-C.
 */
@Command(name = "dev", mixinStandardHelpOptions = true,
        description = "Run everything on this machine: in-process Kafka broker, streams app, trainer, event simulator (or --import FILE).")
public final class DevCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DevCommand.class);
    private static final String MODEL_NAME = "streamrec";

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port of the app, 0 for a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Port of the in-process broker, 0 for a free one (default: ${DEFAULT-VALUE}).")
    int kafkaPort;

    @Option(names = "--data-dir", defaultValue = "data", description = "Where the broker log, streams state and models live (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--fresh", description = "Delete the data directory first.")
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
    private volatile String lastUser;
    private volatile boolean producing = true;

    @Override
    public Integer call() throws Exception {
        if (fresh) {
            deleteRecursively(dataDir);
        }
        Files.createDirectories(dataDir);
        // On Ctrl-C the JVM exits once the hooks return, so the hook waits for the cleanup below.
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                finished.await(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "dev-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        try {
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(kafkaPort, dataDir.resolve("kafka").toAbsolutePath(), Map.of());
                 ApplicationContext ctx = Application.start(Map.of(
                         "kafka.bootstrap.servers", broker.bootstrapServers(),
                         "micronaut.server.port", port == 0 ? -1 : port,
                         "kafka.streams.default.state.dir", dataDir.resolve("streams").toAbsolutePath().toString()))) {
                context.set(ctx);
                Thread source = startEventSource(broker.bootstrapServers());
                try (TrainerService trainer = startTrainer(broker.bootstrapServers())) {
                    printBanner(ctx, broker);
                    reportProgressUntilStopped(ctx);
                    producing = false; // the publisher drains what it has sent, then closes
                    source.join(30_000);
                }
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

    private Thread startEventSource(String bootstrapServers) {
        Iterator<UserEvent> events;
        double eventsPerSecond;
        if (importFile != null) {
            List<UserEvent> all = EventCsv.read(importFile, EventCsv.Format.AUTO);
            LOG.info("importing {} events from {}", all.size(), importFile);
            events = all.iterator();
            eventsPerSecond = importRate;
        } else {
            ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withUsers(users).withItems(items));
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
                        lastUser = e.getUserId();
                        return e;
                    }
                }, eventsPerSecond, null);
                publisher.flush();
            } catch (RuntimeException e) {
                LOG.error("event source stopped: {}", e.getMessage());
            }
        }, "dev-event-source");
        t.start();
        return t;
    }

    /** The trainer on a short schedule, writing artifacts under the data directory; null when disabled. */
    private TrainerService startTrainer(String bootstrapServers) {
        if (noTrainer) {
            return null;
        }
        TrainerService trainer = new TrainerService(TrainerService.Settings
                .defaults(bootstrapServers, dataDir.resolve("models").toAbsolutePath(), MODEL_NAME)
                .withSchedule(trainEvery, trainAfterEvents));
        trainer.start();
        return trainer;
    }

    private void printBanner(ApplicationContext ctx, EmbeddedKafkaBroker broker) {
        int httpPort = ctx.getBean(EmbeddedServer.class).getPort();
        String base = "http://localhost:" + httpPort;
        System.err.println();
        System.err.println("streamrec dev is running (Ctrl-C stops it)");
        System.err.println("  Kafka bootstrap     " + broker.bootstrapServers());
        System.err.println("  recommendations     " + base + "/recommendations/user-1?k=10");
        System.err.println("  a user's history    " + base + "/users/user-1/history");
        System.err.println("  health              " + base + "/health");
        System.err.println("  metrics             " + base + "/prometheus");
        System.err.println("  models              " + (noTrainer ? "(trainer off)" : dataDir.resolve("models").toAbsolutePath()
                + " (retrained every " + trainEvery.toMinutes() + " min or " + trainAfterEvents + " new events)"));
        System.err.println("  data                " + dataDir.toAbsolutePath());
        System.err.println();
    }

    private void reportProgressUntilStopped(ApplicationContext ctx) throws InterruptedException {
        MeterRegistry registry = ctx.getBean(MeterRegistry.class);
        long deadline = durationSeconds > 0 ? System.nanoTime() + durationSeconds * 1_000_000_000L : Long.MAX_VALUE;
        double lastIn = 0;
        double lastOut = 0;
        long lastNanos = System.nanoTime();
        boolean tty = System.console() != null;
        while (!stop.await(2, java.util.concurrent.TimeUnit.SECONDS) && System.nanoTime() < deadline) {
            double in = count(registry, StreamrecMetrics.EVENTS_IN);
            double out = count(registry, StreamrecMetrics.RECOMMENDATIONS_OUT);
            double dlq = count(registry, StreamrecMetrics.DLQ_RECORDS);
            long now = System.nanoTime();
            double secs = (now - lastNanos) / 1e9;
            String line = String.format(Locale.ROOT,
                    "events in %,.0f (%,.0f/s) | recommendations %,.0f (%,.0f/s) | dead letters %,.0f | try /recommendations/%s",
                    in, (in - lastIn) / secs, out, (out - lastOut) / secs, dlq, lastUser == null ? "user-1" : lastUser);
            System.err.print(tty ? "\r" + line + "\u001b[K" : line + "\n");
            lastIn = in;
            lastOut = out;
            lastNanos = now;
        }
        if (tty) {
            System.err.println();
        }
    }

    private static double count(MeterRegistry registry, String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static void deleteRecursively(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to delete " + dir, e);
        }
    }
}
