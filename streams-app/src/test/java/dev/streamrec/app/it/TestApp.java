package dev.streamrec.app.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import dev.streamrec.app.Application;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import io.micronaut.inject.qualifiers.Qualifiers;

/**
 * One streams-app deployment for an integration test: a unique application id and unique topic
 * names on a shared broker, started through {@link Application#start} exactly as the CLI does.
 */
final class TestApp {

    final String id = "it-" + UUID.randomUUID().toString().substring(0, 8);
    final String bootstrap;
    final Map<String, Object> properties = new HashMap<>();
    private ApplicationContext ctx;

    TestApp(String bootstrap, Map<String, Object> extra) {
        this.bootstrap = bootstrap;
        properties.put("kafka.bootstrap.servers", bootstrap);
        properties.put("kafka.streams.default.application.id", id);
        properties.put("micronaut.server.port", -1);
        properties.put("streamrec.topics.default-partitions", 2);
        // Commit often and publish the global stores often: tests wait for outputs.
        properties.put("kafka.streams.default.commit.interval.ms", 100);
        properties.put("streamrec.covisit.publish-interval", "200ms");
        properties.put("streamrec.trending.publish-interval", "200ms");
        for (String t : List.of("user-events", "item-catalog", "recommendations", "model-updates", "user-events-dlq",
                "user-deletions", "experiments")) {
            properties.put("streamrec.topics." + t + ".name", id + "." + t);
        }
        properties.putAll(extra);
        freshStateDir();
    }

    String topic(String logical) {
        return id + "." + logical;
    }

    /** A new, empty state directory: the next start must restore every store from its changelog. */
    void freshStateDir() {
        try {
            java.nio.file.Path state = Files.createTempDirectory("streamrec-it-state-");
            properties.put("kafka.streams.default.state.dir", state.toString());
            // model downloads and the model state file (pins, withdrawals, refusals) per deployment too
            properties.putIfAbsent("streamrec.models.artifact-cache-dir", state.resolve("model-cache").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ApplicationContext start() {
        ctx = Application.start(properties);
        await("Kafka Streams RUNNING", Duration.ofSeconds(60), () -> streams().state() == KafkaStreams.State.RUNNING);
        return ctx;
    }

    void stop() {
        if (ctx != null) {
            ctx.close();
            ctx = null;
        }
    }

    ApplicationContext context() {
        return ctx;
    }

    KafkaStreams streams() {
        return ctx.getBean(KafkaStreams.class, Qualifiers.byName("default"));
    }

    /** The item's published neighbour list as this instance's global store holds it; null when absent or not queryable yet. */
    dev.streamrec.avro.internal.ItemNeighbours neighbours(String item) {
        try {
            return streams().store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(
                    dev.streamrec.app.topology.StreamrecTopology.NEIGHBOURS_GLOBAL_STORE,
                    org.apache.kafka.streams.state.QueryableStoreTypes
                            .<String, dev.streamrec.avro.internal.ItemNeighbours>keyValueStore())).get(item);
        } catch (org.apache.kafka.streams.errors.InvalidStateStoreException notQueryableYet) {
            return null;
        }
    }

    String baseUrl() {
        return "http://localhost:" + ctx.getBean(EmbeddedServer.class).getPort();
    }

    KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A read_committed consumer of one topic from the beginning. */
    KafkaConsumer<byte[], byte[]> consumer(String topic) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, id + "-verify-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** Polls until {@code done} says the records read so far suffice, or fails at the deadline. */
    static List<ConsumerRecord<byte[], byte[]>> readUntil(KafkaConsumer<byte[], byte[]> consumer,
                                                          List<ConsumerRecord<byte[], byte[]>> into,
                                                          java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                          Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(into)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what + " (have " + into.size() + ")");
            }
            consumer.poll(Duration.ofMillis(200)).forEach(into::add);
        }
        return into;
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    static List<String> headerValues(ConsumerRecord<byte[], byte[]> r, String name) {
        List<String> out = new ArrayList<>();
        r.headers().headers(name).forEach(h -> out.add(new String(h.value(), java.nio.charset.StandardCharsets.UTF_8)));
        return out;
    }
}
