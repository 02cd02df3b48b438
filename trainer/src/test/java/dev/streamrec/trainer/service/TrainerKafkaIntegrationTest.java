package dev.streamrec.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.streamrec.avro.ModelPublished;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.kafka.testing.KafkaTestCluster;
import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.Fixtures;
import dev.streamrec.trainer.cli.TrainerMain;
import dev.streamrec.trainer.train.TrainingSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Events in, trainer trains, artifact written, ModelPublished out; a worse model stays unpublished. */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TrainerKafkaIntegrationTest {

    static KafkaTestCluster kafka;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaTestCluster.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        kafka.close();
    }

    @Test
    void serviceTrainsOnNewEventsPublishesAndAWorseModelIsNotPublished(@TempDir Path root) throws Exception {
        // given events on a fresh user-events topic
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.named(Map.of("user-events", "user-events-" + suffix, "model-updates", "model-updates-" + suffix));
        kafka.createTopics(3, topics.userEvents().name());
        kafka.createTopics(1, topics.modelUpdates().name());
        Fixtures.publish(kafka.bootstrapServers(), topics, Fixtures.events(300, 200, 12_000, 7L));

        // when the service sees enough new events
        TrainerService.Settings settings = TrainerService.Settings.defaults(kafka.bootstrapServers(), root, "seqrec")
                .withTopics(topics)
                .withSchedule(Duration.ofHours(1), 1_000)
                .withCheckEvery(Duration.ofMillis(200))
                .withPipeline(TrainingPipeline.Settings.defaults(root, "seqrec").withTraining(Fixtures.quick()));
        try (TrainerService service = new TrainerService(settings)) {
            service.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (service.runs() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(service.runs()).as("runs within 90 s").isEqualTo(1);
            assertThat(service.lastOutcome().orElseThrow().published()).as("first model published").isTrue();
        }

        // then an artifact is written and announced on model-updates
        Path published = ModelArtifact.latest(root, "seqrec").orElseThrow();
        assertThat(published.resolve(ModelContract.MODEL_FILE)).isRegularFile();
        List<ModelPublished> announced = readAll(topics, 1, Duration.ofSeconds(20));
        assertThat(announced).hasSize(1);
        assertThat(announced.getFirst().getVersion()).isEqualTo(published.getFileName().toString());
        assertThat(announced.getFirst().getSha256()).isEqualTo(ModelArtifact.sha256(published.resolve(ModelContract.MODEL_FILE)));
        assertThat(announced.getFirst().getMetrics()).containsKey("ndcg_at_10");

        // when a deliberately worse (untrained, zero epochs) model is trained through the CLI with no tolerance
        int exit = TrainerMain.commandLine().execute("train", "--once", "--bootstrap-servers", kafka.bootstrapServers(),
                "--user-events-topic", topics.userEvents().name(), "--model-updates-topic", topics.modelUpdates().name(),
                "--artifact-root", root.toString(), "--model-name", "seqrec", "--epochs", "0", "--dim", "16",
                "--max-history", "10", "--gate-tolerance", "0");

        // then it is rejected: no new version, nothing new on model-updates
        assertThat(exit).as("exit code of a rejected run").isEqualTo(3);
        assertThat(ModelArtifact.latest(root, "seqrec")).contains(published);
        try (var rejected = Files.list(root.resolve("seqrec").resolve(".rejected"))) {
            assertThat(rejected.count()).isEqualTo(1);
        }
        assertThat(readAll(topics, 2, Duration.ofSeconds(3))).hasSize(1);
    }

    @Test
    void closeCancelsARetrainInProgressPromptlyAndPublishesNothing(@TempDir Path root) throws Exception {
        // given a service whose retrain would run for hours (tiny batches, no early stop), caught mid-epoch
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.named(Map.of("user-events", "user-events-" + suffix, "model-updates", "model-updates-" + suffix));
        kafka.createTopics(3, topics.userEvents().name());
        kafka.createTopics(1, topics.modelUpdates().name());
        Fixtures.publish(kafka.bootstrapServers(), topics, Fixtures.events(300, 200, 12_000, 7L));
        TrainingSettings endless = new TrainingSettings(16, 10, 100_000, 100_000, 4, 32, 0.01f, 1e-5f, false, false,
                true, 2, 7L);
        TrainerService.Settings settings = TrainerService.Settings.defaults(kafka.bootstrapServers(), root, "seqrec")
                .withTopics(topics)
                .withSchedule(Duration.ofHours(1), 1_000)
                .withCheckEvery(Duration.ofMillis(200))
                .withPipeline(TrainingPipeline.Settings.defaults(root, "seqrec").withTraining(endless));
        java.util.concurrent.CountDownLatch training = new java.util.concurrent.CountDownLatch(1);
        ProgressBar.routeTo(line -> training.countDown());
        TrainerService service = new TrainerService(settings);
        try {
            service.start();
            assertThat(training.await(90, TimeUnit.SECONDS)).as("a retrain's progress within 90 s").isTrue();

            // when the service is closed (the fault: a stop that lands mid-retrain)
            long start = System.nanoTime();
            service.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            // then close returns at once rather than after the run (or its old one-minute wait)
            assertThat(took).as("close() during a retrain").isLessThan(Duration.ofSeconds(5));
        } finally {
            ProgressBar.routeTo(null);
            service.close();
        }
        // and the cancelled run counted nothing, wrote no published artifact, announced nothing
        assertThat(service.runs()).isZero();
        assertThat(service.lastOutcome()).isEmpty();
        assertThat(ModelArtifact.latest(root, "seqrec")).isEmpty();
        assertThat(readAll(topics, 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void readerLeavesOutErasedUsersEventsUpToTheirRequest() throws Exception {
        // given events of two users and a deletion request for one of them between its events
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.named(Map.of("user-events", "user-events-" + suffix, "user-deletions", "user-deletions-" + suffix));
        kafka.createTopics(2, topics.userEvents().name(), topics.userDeletions().name());
        UserEvent base = UserEvent.newBuilder().setEventId("x").setUserId("x").setItemId("item-1")
                .setType(dev.streamrec.avro.EventType.VIEW).setTimestamp(0).build();
        Fixtures.publish(kafka.bootstrapServers(), topics, List.of(UserEvent.newBuilder(base).setEventId("a1").setUserId("gone").setTimestamp(1_000).build(),
                UserEvent.newBuilder(base).setEventId("b1").setUserId("kept").setTimestamp(1_500).build(),
                UserEvent.newBuilder(base).setEventId("a2").setUserId("gone").setTimestamp(2_000).build(),
                UserEvent.newBuilder(base).setEventId("a3").setUserId("gone").setTimestamp(3_000).build()));
        requestDeletion(topics, "gone", new dev.streamrec.avro.UserDeletion("gone", 2_000L, "default"));

        // when the trainer reads its training data
        dev.streamrec.trainer.data.EventLog log = new dev.streamrec.trainer.data.KafkaEventReader(kafka.bootstrapServers(),
                Map.of(), topics.userEvents(), topics.userDeletions()).read(dev.streamrec.trainer.data.KafkaEventReader.Window.ALL);

        // then the erased user keeps only the event after the request; the other user is untouched
        assertThat(log.users().get("gone")).as("erased user's events").hasSize(1);
        assertThat(log.users().get("gone").getFirst().timestamp()).isEqualTo(3_000);
        assertThat(log.users().get("kept")).hasSize(1);
    }

    @Test
    void readerReadsOneTenantsEventsOnly() throws Exception {
        // given the same user id in the default tenant and in shop-b, shop-b's user erased at t=2000
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Topics topics = Topics.named(Map.of("user-events", "user-events-" + suffix, "user-deletions", "user-deletions-" + suffix));
        kafka.createTopics(2, topics.userEvents().name(), topics.userDeletions().name());
        UserEvent base = UserEvent.newBuilder().setEventId("x").setUserId("u").setItemId("item-1")
                .setType(dev.streamrec.avro.EventType.VIEW).setTimestamp(0).build();
        Fixtures.publish(kafka.bootstrapServers(), topics, List.of(UserEvent.newBuilder(base).setEventId("d1").setTimestamp(1_000).build(),
                UserEvent.newBuilder(base).setEventId("b1").setTenantId("shop-b").setItemId("b-item").setTimestamp(1_500).build(),
                UserEvent.newBuilder(base).setEventId("b2").setTenantId("shop-b").setItemId("b-item").setTimestamp(3_000).build(),
                UserEvent.newBuilder(base).setEventId("d2").setTimestamp(4_000).build()));
        requestDeletion(topics, "shop-b|u", new dev.streamrec.avro.UserDeletion("u", 2_000L, "shop-b"));

        // when the trainer reads the default tenant, then shop-b
        dev.streamrec.trainer.data.EventLog plain = new dev.streamrec.trainer.data.KafkaEventReader(kafka.bootstrapServers(),
                Map.of(), topics.userEvents(), topics.userDeletions()).read(dev.streamrec.trainer.data.KafkaEventReader.Window.ALL);
        dev.streamrec.trainer.data.EventLog shopB = new dev.streamrec.trainer.data.KafkaEventReader(kafka.bootstrapServers(),
                Map.of(), topics.userEvents(), topics.userDeletions()).onlyTenant("shop-b")
                .read(dev.streamrec.trainer.data.KafkaEventReader.Window.ALL);

        // then each read holds its tenant's events only; shop-b's erasure leaves the default tenant's "u" alone
        assertThat(plain.eventCount()).as("default tenant's events").isEqualTo(2);
        assertThat(plain.users().get("u")).hasSize(2);
        assertThat(shopB.eventCount()).as("shop-b's events after its erasure").isEqualTo(1);
        assertThat(shopB.users().get("u").getFirst().timestamp()).isEqualTo(3_000);
    }

    private static void requestDeletion(Topics topics, String key, dev.streamrec.avro.UserDeletion deletion) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<String, dev.streamrec.avro.UserDeletion> producer = new KafkaProducer<>(p,
                topics.userDeletions().keySerde().serializer(), topics.userDeletions().valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topics.userDeletions().name(), key, deletion)).get();
        }
    }

    /** Every record on model-updates, polling until {@code expected} arrived or the deadline passed. */
    private static List<ModelPublished> readAll(Topics topics, int expected, Duration wait) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ModelPublished> out = new ArrayList<>();
        try (KafkaConsumer<String, ModelPublished> consumer = new KafkaConsumer<>(p,
                topics.modelUpdates().keySerde().deserializer(), topics.modelUpdates().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.modelUpdates().name()));
            long deadline = System.nanoTime() + wait.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, ModelPublished> r : consumer.poll(Duration.ofMillis(200))) {
                    assertThat(r.key()).isEqualTo(r.value().getName());
                    out.add(r.value());
                }
            }
        }
        return out;
    }
}
