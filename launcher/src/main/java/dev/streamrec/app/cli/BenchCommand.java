package dev.streamrec.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.streamrec.app.Application;
import dev.streamrec.app.model.ModelManager;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.broker.EmbeddedKafkaBroker;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.kafka.TopicAdmin;
import dev.streamrec.kafka.TopicSettings;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.publish.ModelPublisher;
import dev.streamrec.trainer.service.TrainingPipeline;
import dev.streamrec.trainer.train.TrainingSettings;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: events/s of the recommendation pipeline against plain consume-produce passes over
 * the same events on the same in-process broker, in one run, so the ratio carries over between
 * machines. The passes run one after the other, never at the same time.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure the pipeline's events/s against a plain Kafka consume-produce pass on the same in-process broker.",
                "Prints a Markdown table for BENCHMARKS.md."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "100000", description = "Events to push through each pass (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the input topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--users", defaultValue = "5000", description = "Simulated users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--items", defaultValue = "5000", description = "Simulated catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--app-property", paramLabel = "KEY=VALUE", description = "Extra property for the app under test (repeatable), e.g. streamrec.scoring.mode=full.")
    Map<String, String> appProperties = new HashMap<>();

    @Option(names = "--with-model", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"After the heuristic pipeline pass, train a small model on the bench's own events with the trainer's "
                    + "Java API (dim 16, 1 epoch: seconds), publish it to the bench's model-updates topic and run the pipeline "
                    + "again over a fresh copy of the same events (published up front to a second input topic, own application "
                    + "id and output topic) with the model scoring (candidates mode). The model loads asynchronously while the "
                    + "app already consumes, so that row is measured only over the lists carrying the model's version, from "
                    + "the first to the last one read; lists ranked heuristically before the load are counted and reported. "
                    + "--no-with-model skips it (default: ${DEFAULT-VALUE})."})
    boolean withModel;

    @Option(names = "--with-full-mode", defaultValue = "false",
            description = "With --with-model, one more model pass over a third copy of the events in full-catalogue mode "
                    + "(streamrec.scoring.mode=full) (default: ${DEFAULT-VALUE}).")
    boolean withFullMode;

    /** One measured pass; {@code heuristic} counts lists of a model pass read before the model served. */
    record Pass(String name, long records, double seconds, long heuristic) {
        Pass(String name, long records, double seconds) {
            this(name, records, seconds, 0);
        }

        double perSecond() {
            return records / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            String bootstrap = broker.bootstrapServers();
            String input = "bench-user-events";
            String modelInput = "bench-user-events-model";
            String fullInput = "bench-user-events-model-full";
            List<TopicSettings> topics = new ArrayList<>(List.of(
                    new TopicSettings(input, partitions, (short) 1, false),
                    new TopicSettings("bench-copy", partitions, (short) 1, false),
                    new TopicSettings("bench-copy-eos", partitions, (short) 1, false)));
            if (withModel) {
                topics.add(new TopicSettings(modelInput, partitions, (short) 1, false));
                if (withFullMode) {
                    topics.add(new TopicSettings(fullInput, partitions, (short) 1, false));
                }
            }
            TopicAdmin.ensureTopics(bootstrap, topics);
            List<UserEvent> simulated = simulate();
            // Every copy of the events is published before any timing starts.
            publish(bootstrap, input, simulated);
            if (withModel) {
                publish(bootstrap, modelInput, simulated);
                if (withFullMode) {
                    publish(bootstrap, fullInput, simulated);
                }
            }

            Pass plain = copyPass(bootstrap, input, "bench-copy", false);
            Pass eos = copyPass(bootstrap, input, "bench-copy-eos", true);
            Pass pipeline = pipelinePass(bootstrap, input, "bench-recommendations", "bench-dlq", Map.of(), null,
                    "streamrec pipeline (validate, dedupe, history, co-visitation, trending, rank; exactly-once)");
            List<Pass> passes = new ArrayList<>(List.of(plain, eos, pipeline));
            String version = null;
            if (withModel) {
                version = trainAndPublish(bootstrap, simulated);
                passes.add(modelPass(bootstrap, modelInput, "bench-recommendations-model", "bench-dlq-model", "candidates",
                        version));
                if (withFullMode) {
                    passes.add(modelPass(bootstrap, fullInput, "bench-recommendations-model-full", "bench-dlq-model-full",
                            "full", version));
                }
            }

            System.out.println();
            System.out.printf(Locale.ROOT, "| pass | events | seconds | events/s | pipeline / pass | pass / plain at-least-once "
                    + "| pass / plain exactly-once |%n|---|---|---|---|---|---|---|%n");
            for (Pass p : passes) {
                System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %.2f | %.2f | %.2f |%n", p.name(), p.records(),
                        p.seconds(), p.perSecond(), pipeline.perSecond() / p.perSecond(), p.perSecond() / plain.perSecond(),
                        p.perSecond() / eos.perSecond());
            }
            if (withModel) {
                System.out.println();
                for (Pass p : passes.subList(3, passes.size())) {
                    System.out.printf(Locale.ROOT, "%s: model %s; %,d of %,d lists ranked heuristically before the model "
                            + "loaded (not in the row); the row covers the %,d lists with the model's version, first to last "
                            + "read.%n", p.name(), version, p.heuristic(), p.heuristic() + p.records(), p.records());
                }
            }
        }
        return 0;
    }

    private List<UserEvent> simulate() {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withUsers(users).withItems(items));
        long now = System.currentTimeMillis();
        List<UserEvent> out = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            out.add(sim.next(now - events + i));
        }
        return out;
    }

    /**
     * Trains a small model on the bench's events through the trainer's own pipeline (train, export,
     * evaluate through ONNX Runtime, gate, announce) and publishes it to the bench's model-updates topic.
     *
     * @return the published version
     */
    private String trainAndPublish(String bootstrap, List<UserEvent> simulated) throws Exception {
        Path root = Files.createTempDirectory("streamrec-bench-models-");
        modelRoot = root;
        TrainingSettings training = TrainingSettings.defaults().withDim(16).withMaxHistory(10).withMaxEpochs(1)
                .withOptimiser(128, 32, 0.01f, 1e-5f).withSeed(42L);
        TrainingPipeline.Settings settings = TrainingPipeline.Settings.defaults(root, "seqrec").withTraining(training);
        long t0 = System.nanoTime();
        try (ModelPublisher publisher = new ModelPublisher(bootstrap,
                Topics.DEFAULT.modelUpdates().withName(MODEL_UPDATES))) {
            TrainingPipeline.Outcome outcome = new TrainingPipeline(settings, publisher, Clock.systemUTC())
                    .run(EventLog.of(simulated, "bench"));
            if (!outcome.published()) {
                throw new IllegalStateException("bench model not published: " + outcome.reason());
            }
            System.out.printf(Locale.ROOT, "%nbench: trained and published model %s in %.1f s (%s)%n", outcome.version(),
                    (System.nanoTime() - t0) / 1e9, outcome.metrics().asMap());
            return outcome.version();
        }
    }

    private Pass modelPass(String bootstrap, String input, String recs, String dlq, String mode, String version)
            throws Exception {
        Map<String, Object> extra = new HashMap<>();
        extra.put("streamrec.scoring.mode", mode);
        Object batch = appProperties.getOrDefault("streamrec.scoring.batch-size", "64");
        return pipelinePass(bootstrap, input, recs, dlq, extra, version,
                "streamrec pipeline, model scoring (" + mode + ", batch " + batch + ")");
    }

    private void publish(String bootstrap, String topic, List<UserEvent> simulated) {
        try (EventPublisher publisher = new EventPublisher(bootstrap, Topics.DEFAULT.userEvents().withName(topic));
             ProgressBar progress = new ProgressBar("bench: publish " + topic, simulated.size())) {
            for (UserEvent e : simulated) {
                publisher.send(e);
                progress.step(1);
            }
            publisher.flush();
        }
    }

    /** A plain consumer-producer loop copying bytes, the floor any Kafka pipeline pays; transactional when {@code eos}. */
    private Pass copyPass(String bootstrap, String from, String to, boolean eos) {
        String name = eos ? "plain consume-produce, exactly-once (transactions)" : "plain consume-produce, at-least-once";
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-copy-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        if (eos) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-copy-" + UUID.randomUUID());
        }
        long copied = 0;
        long start;
        try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
             ProgressBar progress = new ProgressBar("bench: " + name, events)) {
            if (eos) {
                producer.initTransactions();
            }
            consumer.subscribe(List.of(from));
            start = System.nanoTime();
            while (copied < events) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) {
                    continue;
                }
                if (eos) {
                    producer.beginTransaction();
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    producer.send(new ProducerRecord<>(to, null, r.timestamp(), r.key(), r.value(), r.headers()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                if (eos) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                } else {
                    producer.flush();
                    consumer.commitSync(offsets);
                }
                copied += batch.count();
                progress.step(batch.count());
            }
        }
        return new Pass(name, copied, (System.nanoTime() - start) / 1e9);
    }

    private static final String MODEL_UPDATES = "bench-model-updates";
    /** Where {@link #trainAndPublish} wrote the bench model; null before. */
    private Path modelRoot;

    /**
     * The streams app on the same events; done when every recommendation is readable (read_committed).
     * With {@code modelVersion}, the pass is timed only over the lists carrying that version, from the
     * first to the last one read (the model loads asynchronously while the app already consumes);
     * the heuristic lists before it are counted, not timed.
     */
    private Pass pipelinePass(String bootstrap, String input, String recs, String dlq, Map<String, Object> extra,
                              String modelVersion, String name) throws Exception {
        Path state = Files.createTempDirectory("streamrec-bench-state-");
        Map<String, Object> props = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "kafka.streams.default.application.id", "streamrec-bench-" + UUID.randomUUID(),
                "kafka.streams.default.state.dir", state.toString(),
                "micronaut.server.port", -1,
                "streamrec.topics.user-events.name", input,
                "streamrec.topics.recommendations.name", recs,
                "streamrec.topics.user-events-dlq.name", dlq,
                "streamrec.topics.item-catalog.name", "bench-item-catalog",
                "streamrec.topics.model-updates.name", MODEL_UPDATES));
        if (modelRoot != null) { // the app loads only artifacts under its roots, and keeps its model state per pass
            props.put("streamrec.models.artifact-roots", modelRoot.toString());
            props.put("streamrec.models.artifact-cache-dir", state.resolve("model-cache").toString());
        }
        props.putAll(appProperties);
        props.putAll(extra);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-recs-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long seen = 0;
        long withModel = 0;
        Map<String, Long> otherVersions = new HashMap<>();
        long start;
        long end;
        long firstModel = -1;
        long lastModel = -1;
        double loadSeconds = -1;
        try (ApplicationContext ctx = Application.start(props);
             var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             ProgressBar progress = new ProgressBar("bench: " + (modelVersion == null ? "pipeline" : "pipeline + model"),
                     events)) {
            KafkaStreams streams = ctx.getBean(KafkaStreams.class);
            long appStart = System.nanoTime();
            long readyDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < readyDeadline) {
                Thread.sleep(20);
            }
            start = System.nanoTime();
            consumer.subscribe(List.of(recs));
            ModelManager models = modelVersion == null ? null : ctx.getBean(ModelManager.class);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < events && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                if (models != null && loadSeconds < 0
                        && models.current().map(m -> m.version().equals(modelVersion)).orElse(false)) {
                    loadSeconds = (now - appStart) / 1e9;
                }
                if (modelVersion != null) {
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        String v = String.valueOf(Serdes.RECOMMENDATIONS.fromBytes(r.value()).getModelVersion());
                        if (v.equals(modelVersion)) {
                            withModel++;
                            if (firstModel < 0) {
                                firstModel = now;
                            }
                            lastModel = now;
                        } else {
                            otherVersions.merge(v, 1L, Long::sum);
                        }
                    }
                }
                int n = batch.count();
                seen += n;
                progress.step(n);
            }
            end = System.nanoTime();
        }
        if (seen < events) {
            throw new IllegalStateException("pipeline produced " + seen + " of " + events + " recommendations within 10 minutes");
        }
        if (modelVersion == null) {
            return new Pass(name, seen, (end - start) / 1e9);
        }
        if (withModel < 2) {
            throw new IllegalStateException("model " + modelVersion + " served " + withModel + " of " + seen
                    + " lists; other versions: " + otherVersions);
        }
        long heuristic = seen - withModel;
        System.out.printf(Locale.ROOT, "%nbench: %s: model %s serving %.2f s after the app started; %,d lists with it, "
                        + "others by version %s; first model list read %.2f s after RUNNING; all %,d lists in %.2f s%n",
                name, modelVersion, loadSeconds, withModel, otherVersions, (firstModel - start) / 1e9, seen,
                (end - start) / 1e9);
        return new Pass(name, withModel, (lastModel - firstModel) / 1e9, heuristic);
    }
}
