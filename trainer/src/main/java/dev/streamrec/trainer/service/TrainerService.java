package dev.streamrec.trainer.service;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.KafkaEventReader;
import dev.streamrec.trainer.publish.ModelPublisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trainer as a service: retrains whenever {@code interval} has passed since the last run (and
 * there is something new) or at least {@code minNewEvents} events arrived, warm-starting from the
 * current artifact, and publishes through the gate. The first check runs at {@link #start()}.
 *
 * <p>Embedding it (the streams app's {@code dev} mode does this):
 * <pre>{@code
 * TrainerService trainer = new TrainerService(TrainerService.Settings.defaults(
 *         broker.bootstrapServers(), Path.of("models"), "seqrec")
 *         .withSchedule(Duration.ofMinutes(2), 5_000));
 * trainer.start();           // returns at once; runs happen on one daemon thread
 * ...
 * trainer.close();           // stops scheduling, cancels a run in progress (it ends at its next batch)
 * }</pre>
 * New events are counted from the topic's end offsets (cheap, no consumer group); each run reads
 * the topic again (all of it, or the last {@code lookback}) with {@link KafkaEventReader}. A failed
 * run is logged and retried at the next trigger; it never stops the service.
 */
public final class TrainerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainerService.class);
    /** How long {@link #close()} waits for a cancelled run to reach its next batch and end. */
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /**
     * @param bootstrapServers Kafka to read events from and announce models to
     * @param topics           topic registry (user-events, model-updates)
     * @param interval         retrain at least this often when there are new events
     * @param minNewEvents     retrain sooner once this many new events arrived
     * @param lookback         train on the last this-much of event time; {@link Duration#ZERO} for all
     * @param checkEvery       how often the triggers are checked
     * @param pipeline         artifact root, model name, training and gate settings (warm start is forced on)
     * @param kafkaClient      extra settings of its Kafka clients (security: {@code security.protocol}, {@code sasl.*}, {@code ssl.*})
     */
    public record Settings(String bootstrapServers, Topics topics, Duration interval, long minNewEvents,
                           Duration lookback, Duration checkEvery, TrainingPipeline.Settings pipeline,
                           Map<String, String> kafkaClient) {

        public static Settings defaults(String bootstrapServers, Path artifactRoot, String modelName) {
            return new Settings(bootstrapServers, Topics.DEFAULT, Duration.ofMinutes(15), 10_000, Duration.ZERO,
                    Duration.ofSeconds(5), TrainingPipeline.Settings.defaults(artifactRoot, modelName), Map.of());
        }

        public Settings withSchedule(Duration newInterval, long newMinEvents) {
            return new Settings(bootstrapServers, topics, newInterval, newMinEvents, lookback, checkEvery, pipeline, kafkaClient);
        }

        public Settings withTopics(Topics t) {
            return new Settings(bootstrapServers, t, interval, minNewEvents, lookback, checkEvery, pipeline, kafkaClient);
        }

        public Settings withLookback(Duration d) {
            return new Settings(bootstrapServers, topics, interval, minNewEvents, d, checkEvery, pipeline, kafkaClient);
        }

        public Settings withCheckEvery(Duration d) {
            return new Settings(bootstrapServers, topics, interval, minNewEvents, lookback, d, pipeline, kafkaClient);
        }

        public Settings withKafkaClient(Map<String, String> settings) {
            return new Settings(bootstrapServers, topics, interval, minNewEvents, lookback, checkEvery, pipeline,
                    Map.copyOf(settings));
        }

        public Settings withPipeline(TrainingPipeline.Settings p) {
            return new Settings(bootstrapServers, topics, interval, minNewEvents, lookback, checkEvery, p, kafkaClient);
        }
    }

    private final Settings settings;
    private final Clock clock;
    private final KafkaEventReader reader;
    private final ScheduledExecutorService scheduler;
    private final AtomicReference<TrainingPipeline.Outcome> last = new AtomicReference<>();
    private ModelPublisher publisher;
    private long trainedUpTo;       // end-offset sum the last run read up to
    private long lastRunMillis;
    private int runs;
    private volatile boolean closing;

    public TrainerService(Settings settings) {
        this(settings, Clock.systemUTC());
    }

    public TrainerService(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.reader = new KafkaEventReader(settings.bootstrapServers(), settings.kafkaClient(), settings.topics().userEvents(),
                settings.topics().userDeletions());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trainer-service");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts checking the triggers; returns at once. */
    public synchronized void start() {
        if (publisher != null) {
            throw new IllegalStateException("already started");
        }
        publisher = new ModelPublisher(settings.bootstrapServers(), settings.kafkaClient(), settings.topics().modelUpdates());
        lastRunMillis = clock.millis();
        long every = settings.checkEvery().toMillis();
        scheduler.scheduleWithFixedDelay(this::check, 0, every, TimeUnit.MILLISECONDS);
        LOG.info("trainer service started: every {} or after {} new events, model {} in {}", settings.interval(),
                settings.minNewEvents(), settings.pipeline().modelName(), settings.pipeline().artifactRoot());
    }

    /** The outcome of the latest completed run, if any. */
    public Optional<TrainingPipeline.Outcome> lastOutcome() {
        return Optional.ofNullable(last.get());
    }

    /** Completed runs so far (published or not). */
    public synchronized int runs() {
        return runs;
    }

    private void check() {
        try {
            long end = reader.endOffsetSum();
            long fresh = end - trainedUpTo;
            boolean due = clock.millis() - lastRunMillis >= settings.interval().toMillis();
            if (fresh <= 0 || (fresh < settings.minNewEvents() && !due)) {
                return;
            }
            LOG.info("retraining: {} new events{}", fresh, due ? ", interval elapsed" : "");
            long now = clock.millis();
            KafkaEventReader.Window window = settings.lookback().isZero() ? KafkaEventReader.Window.ALL
                    : new KafkaEventReader.Window(now - settings.lookback().toMillis(), Long.MAX_VALUE);
            EventLog events = reader.read(window);
            TrainingPipeline pipeline = new TrainingPipeline(settings.pipeline().withWarmStart(true), publisher, clock);
            TrainingPipeline.Outcome outcome = pipeline.run(events);
            last.set(outcome);
            synchronized (this) {
                trainedUpTo = end;
                lastRunMillis = now;
                runs++;
            }
        } catch (RuntimeException e) {
            if (closing) { // interrupted by close(): training, evaluation or the read ends at its next step
                LOG.info("retrain cancelled: the trainer service is stopping ({})", e.getMessage());
                return;
            }
            // Expected failures (broker away, no events yet) read best as one line; the cause is at debug.
            LOG.warn("training run failed, will retry at the next trigger: {}", e.getMessage());
            LOG.debug("training run failure", e);
        }
    }

    /**
     * Stops scheduling and cancels a run in progress: its thread is interrupted and the run ends at its
     * next batch ({@link dev.streamrec.trainer.train.Cancellation}) without publishing; waits up to
     * {@link #STOP_WAIT} for that.
     */
    @Override
    public void close() {
        closing = true;
        scheduler.shutdownNow();
        try {
            if (!scheduler.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the retrain in progress did not end within {} of the stop; leaving it to the JVM's exit",
                        STOP_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (publisher != null) {
                publisher.close();
            }
        }
        LOG.info("trainer service stopped");
    }
}
