package dev.streamrec.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.streamrec.kafka.testing.KafkaTestCluster;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.Fixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trainer serve} in a process of its own, stopped with SIGTERM while it retrains: it stops in
 * order (StopSignals, not a shutdown hook racing ONNX Runtime's own, which frees the native environment
 * under a running evaluation session), cancels the retrain and exits 0 within seconds. Before, the hook
 * waited up to a minute for the retrain and the JVM exited 143, or aborted in native code (134).
 */
@Tag("integration")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ServeStopIntegrationTest {

    @Test
    void sigtermDuringARetrainCancelsItAndExitsZeroWithinSeconds(@TempDir Path root) throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start()) {
            // given events and a trainer serve process that starts retraining on them at once
            String suffix = UUID.randomUUID().toString().substring(0, 8);
            Topics topics = Topics.named(Map.of("user-events", "user-events-" + suffix,
                    "model-updates", "model-updates-" + suffix, "user-deletions", "user-deletions-" + suffix));
            kafka.createTopics(3, topics.userEvents().name(), topics.userDeletions().name());
            kafka.createTopics(1, topics.modelUpdates().name());
            Fixtures.publish(kafka.bootstrapServers(), topics, Fixtures.events(300, 200, 12_000, 7L));
            String java = ProcessHandle.current().info().command().orElse("java");
            Process serve = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), TrainerMain.class.getName(), "serve",
                    "--bootstrap-servers", kafka.bootstrapServers(),
                    "--user-events-topic", topics.userEvents().name(),
                    "--model-updates-topic", topics.modelUpdates().name(),
                    "--user-deletions-topic", topics.userDeletions().name(),
                    "--artifact-root", root.toString(), "--min-new-events", "1000", "--epochs", "1000")
                    .redirectErrorStream(true).start();
            List<String> output = new CopyOnWriteArrayList<>();
            Thread reader = Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        output.add(line);
                    }
                } catch (java.io.IOException e) {
                    // the process ended
                }
            });
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (output.stream().noneMatch(l -> l.contains("retraining:")) && serve.isAlive()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(output).as("serve's output before the stop").anyMatch(l -> l.contains("retraining:"));

                // when it gets SIGTERM mid-retrain
                long start = System.nanoTime();
                serve.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output

                // then it exits 0 within seconds, the retrain cancelled, the service closed
                assertThat(serve.waitFor(20, TimeUnit.SECONDS)).as("exited within 20 s of SIGTERM").isTrue();
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                reader.join(5_000);
                System.out.println(String.join("\n", output)); // serve's own log, in the test's report
                assertThat(serve.exitValue()).as("exit code (143: the JVM's shutdown; 134: a native abort)").isZero();
                assertThat(output).as("output after the stop").anyMatch(l -> l.contains("trainer service stopped"));
                assertThat(tookMs).as("ms from SIGTERM to exit").isLessThan(15_000);
            } finally {
                serve.destroyForcibly();
            }
        }
    }
}
