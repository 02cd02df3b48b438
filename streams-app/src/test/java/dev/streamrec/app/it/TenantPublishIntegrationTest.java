package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.streamrec.app.cli.ImportCommand;
import dev.streamrec.app.cli.SimulateCommand;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.console.CommandError;
import dev.streamrec.topics.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code simulate --tenant} and {@code import --tenant} on a real broker: every event names the tenant and
 * is keyed {@code <tenant>|<userId>}, as the app requires of a tenant's events (a plain key is refused
 * with {@code KEY_MISMATCH}); without the option the events stay the default tenant's, keyed by the plain
 * user id; a bad tenant id is refused before anything is sent.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TenantPublishIntegrationTest {

    @Test
    void shouldKeyAndStampASimulatedTenantsEvents() {
        String topic = "tenant-simulate-" + UUID.randomUUID();
        SharedKafka.cluster().createTopics(2, topic);
        int rc = run(new SimulateCommand(), "--topic", topic, "--tenant", "shop-b", "--count", "40", "--rate", "0",
                "--users", "10", "--items", "20");

        assertThat(rc).isZero();
        List<ConsumerRecord<String, UserEvent>> records = read(topic, 40);
        assertThat(records).hasSize(40).allSatisfy(r -> {
            assertThat(r.value().getTenantId()).isEqualTo("shop-b");
            assertThat(r.key()).isEqualTo("shop-b|" + r.value().getUserId());
        });
    }

    @Test
    void shouldKeyAnImportedFileByTenantAndKeepTheDefaultTenantsPlainKeys(@TempDir Path dir) throws Exception {
        Path csv = Files.writeString(dir.resolve("events.csv"),
                "userId,itemId,type,timestamp\nu1,i1,VIEW,1700000000000\nu2,i2,PURCHASE,1700000001000\n");
        String tenantTopic = "tenant-import-" + UUID.randomUUID();
        String defaultTopic = "default-import-" + UUID.randomUUID();
        SharedKafka.cluster().createTopics(1, tenantTopic, defaultTopic);

        assertThat(run(new ImportCommand(), csv.toString(), "--topic", tenantTopic, "--tenant", "shop-c")).isZero();
        assertThat(run(new ImportCommand(), csv.toString(), "--topic", defaultTopic)).isZero();

        assertThat(read(tenantTopic, 2)).extracting(ConsumerRecord::key).containsExactly("shop-c|u1", "shop-c|u2");
        assertThat(read(tenantTopic, 2)).allSatisfy(r -> assertThat(r.value().getTenantId()).isEqualTo("shop-c"));
        assertThat(read(defaultTopic, 2)).extracting(ConsumerRecord::key).containsExactly("u1", "u2");
        assertThat(read(defaultTopic, 2)).allSatisfy(r -> assertThat(r.value().getTenantId()).isEqualTo("default"));
    }

    @Test
    void shouldRefuseABadTenantIdWithOneLine() {
        CommandLine cli = new CommandLine(new SimulateCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            CommandError error = CommandError.in(e);
            line.getErr().println("simulate: " + (error != null ? error.getMessage() : e));
            return 2;
        });

        int rc = cli.execute("--bootstrap-servers", SharedKafka.cluster().bootstrapServers(), "--tenant", "shop|b",
                "--count", "1");

        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("--tenant: tenant id 'shop|b' must match");
    }

    private static int run(Object command, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", SharedKafka.cluster().bootstrapServers()));
        return new CommandLine(command).execute(all.toArray(String[]::new));
    }

    private static List<ConsumerRecord<String, UserEvent>> read(String topic, int expected) {
        var t = Topics.DEFAULT.userEvents();
        List<ConsumerRecord<String, UserEvent>> out = new ArrayList<>();
        try (KafkaConsumer<String, UserEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.cluster().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "tenant-publish-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                t.keySerde().deserializer(), t.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        out.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp()));
        return out;
    }
}
