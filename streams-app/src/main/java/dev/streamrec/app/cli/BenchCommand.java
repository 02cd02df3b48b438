package dev.streamrec.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.streamrec.app.Application;
import dev.streamrec.broker.EmbeddedKafkaBroker;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.kafka.TopicAdmin;
import dev.streamrec.kafka.TopicSettings;
import dev.streamrec.topics.Topics;
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

    /** One measured pass. */
    record Pass(String name, long records, double seconds) {
        double perSecond() {
            return records / seconds;
        }
    }

    @Override
    public Integer call() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
            String bootstrap = broker.bootstrapServers();
            String input = "bench-user-events";
            TopicAdmin.ensureTopics(bootstrap, List.of(
                    new TopicSettings(input, partitions, (short) 1, false),
                    new TopicSettings("bench-copy", partitions, (short) 1, false),
                    new TopicSettings("bench-copy-eos", partitions, (short) 1, false)));
            publish(bootstrap, input);

            Pass plain = copyPass(bootstrap, input, "bench-copy", false);
            Pass eos = copyPass(bootstrap, input, "bench-copy-eos", true);
            Pass pipeline = pipelinePass(bootstrap, input);

            System.out.println();
            System.out.printf(Locale.ROOT, "| pass | events | seconds | events/s | pipeline / pass |%n|---|---|---|---|---|%n");
            for (Pass p : List.of(plain, eos, pipeline)) {
                System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %.2f |%n", p.name(), p.records(), p.seconds(),
                        p.perSecond(), pipeline.perSecond() / p.perSecond());
            }
        }
        return 0;
    }

    private void publish(String bootstrap, String topic) {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults().withUsers(users).withItems(items));
        long now = System.currentTimeMillis();
        try (EventPublisher publisher = new EventPublisher(bootstrap, Topics.DEFAULT.userEvents().withName(topic));
             ProgressBar progress = new ProgressBar("bench: publish", events)) {
            for (int i = 0; i < events; i++) {
                publisher.send(sim.next(now - events + i));
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

    /** The streams app on the same events; done when every recommendation is readable (read_committed). */
    private Pass pipelinePass(String bootstrap, String input) throws Exception {
        String recs = "bench-recommendations";
        Path state = Files.createTempDirectory("streamrec-bench-state-");
        Map<String, Object> props = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "kafka.streams.default.application.id", "streamrec-bench-" + UUID.randomUUID(),
                "kafka.streams.default.state.dir", state.toString(),
                "micronaut.server.port", -1,
                "streamrec.topics.user-events.name", input,
                "streamrec.topics.recommendations.name", recs,
                "streamrec.topics.user-events-dlq.name", "bench-dlq",
                "streamrec.topics.item-catalog.name", "bench-item-catalog",
                "streamrec.topics.model-updates.name", "bench-model-updates"));
        props.putAll(appProperties);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-recs-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long seen = 0;
        long start;
        long end;
        try (ApplicationContext ctx = Application.start(props);
             var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             ProgressBar progress = new ProgressBar("bench: pipeline", events)) {
            KafkaStreams streams = ctx.getBean(KafkaStreams.class);
            long readyDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < readyDeadline) {
                Thread.sleep(20);
            }
            start = System.nanoTime();
            consumer.subscribe(List.of(recs));
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < events && System.nanoTime() < deadline) {
                int n = consumer.poll(Duration.ofMillis(100)).count();
                seen += n;
                progress.step(n);
            }
            end = System.nanoTime();
        }
        if (seen < events) {
            throw new IllegalStateException("pipeline produced " + seen + " of " + events + " recommendations within 10 minutes");
        }
        return new Pass("streamrec pipeline (validate, dedupe, history, co-visitation, trending, rank; exactly-once)",
                seen, (end - start) / 1e9);
    }
}
