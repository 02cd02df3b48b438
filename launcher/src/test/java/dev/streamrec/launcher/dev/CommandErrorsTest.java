package dev.streamrec.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.streamrec.broker.EmbeddedKafkaCluster;
import dev.streamrec.kafka.TopicAdmin;
import dev.streamrec.kafka.TopicSettings;
import dev.streamrec.launcher.Launcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every expected failure of a command is one line naming its cause, with no stack trace and long
 * before Kafka's clients would give up (60 s and more). Each case runs the real command line in a
 * child JVM with the shipped logging configuration, and looks at everything it printed.
 */
class CommandErrorsTest {

    /** Far below the minute Kafka's clients retry an unreachable broker; a JVM start on a busy machine fits easily. */
    private static final Duration PROMPT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private int closedPort;

    @BeforeEach
    void findAClosedPort() throws IOException {
        closedPort = freePort(); // nothing listens there once the probe socket is closed
    }

    @Test
    @Timeout(240)
    void shouldNameTheUnreachableBrokerInOneLine() throws Exception {
        String address = "127.0.0.1:" + closedPort;
        Path events = Files.writeString(dir.resolve("events.csv"), "u1,i1,VIEW,1\n");

        assertOneLine(run(Map.of("KAFKA_BOOTSTRAP_SERVERS", address), "serve"),
                "serve: cannot reach Kafka at " + address, "KAFKA_BOOTSTRAP_SERVERS");
        assertOneLine(run(Map.of(), "simulate", "--bootstrap-servers", address, "--count", "10"),
                "simulate: cannot reach Kafka at " + address, "--bootstrap-servers");
        assertOneLine(run(Map.of(), "import", events.toString(), "--bootstrap-servers", address),
                "import: cannot reach Kafka at " + address, "connection refused");
        assertOneLine(run(Map.of(), "bench", "--bootstrap-servers", address, "--events", "100"),
                "bench: cannot reach Kafka at " + address, "--bootstrap-servers");
        // the on-call tools keep their own "error:" prefix
        assertOneLine(run(Map.of(), "replay", "-b", address, "-s", "user-events", "--dry-run"),
                "error: cannot reach Kafka at " + address, "--bootstrap-servers");
        assertOneLine(run(Map.of("KAFKA_BOOTSTRAP_SERVERS", address), "reset", "--application-id", "streamrec",
                "--input-topics", "user-events", "--to-datetime", "2026-11-23T10:00:00Z", "--dry-run"),
                "error: cannot reach Kafka at " + address, "KAFKA_BOOTSTRAP_SERVERS");
        // the trainer's commands say it in their log line (time, level, logger, message) on stderr
        for (List<String> command : List.of(List.of("train", "--once"), List.of("serve"))) {
            List<String> args = new ArrayList<>(List.of("trainer"));
            args.addAll(command);
            args.addAll(List.of("--bootstrap-servers", address));
            Outcome trainer = run(Map.of(), args.toArray(String[]::new));
            assertThat(trainer.lines()).as(args + " printed").hasSize(1);
            assertThat(trainer.lines().get(0)).contains("ERROR").contains("cannot reach Kafka at " + address)
                    .contains("--bootstrap-servers").doesNotContain("Exception");
            assertThat(trainer.exitCode()).isEqualTo(1);
            assertThat(trainer.took()).isLessThan(PROMPT);
        }
    }

    @Test
    @Timeout(120)
    void shouldRefuseAKafkaStreamsSettingThatWouldBeIgnoredOrUnsafeBeforeConnecting() throws Exception {
        String address = "127.0.0.1:" + closedPort; // never reached: the settings are checked first
        assertOneLine(run(Map.of("KAFKA_BOOTSTRAP_SERVERS", address, "KAFKA_STREAMS_NUM_STREAM_THREADS", "1"), "serve"),
                "serve: Kafka Streams setting(s)", "kafka.streams.default.num.stream.threads");
        assertOneLine(run(Map.of("KAFKA_BOOTSTRAP_SERVERS", address, "KAFKA_STREAMS_DEFAULT_MAX_TASK_IDLE_MS", "-1"), "serve"),
                "serve: kafka.streams.default.max.task.idle.ms -1", "erasure");
    }

    @Test
    @Timeout(120)
    void shouldNameTheFileAndLineOfABadImportBeforeStartingAnything() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.csv"), "u1,i1,VIEW,1\nu1,i1,LIKE,2\n");
        Path data = dir.resolve("data");

        assertOneLine(run(Map.of(), "dev", "--data-dir", data.toString(), "--port", "0", "--kafka-port", "0", "--import", bad.toString()),
                "dev: --import " + bad + ":2", "LIKE");
        assertThat(data).as("nothing started, not even the data directory").doesNotExist();
        assertOneLine(run(Map.of(), "dev", "--data-dir", data.toString(), "--import", dir.resolve("missing.csv").toString()),
                "dev: --import " + dir.resolve("missing.csv"), "no such file");
        assertOneLine(run(Map.of(), "import", bad.toString(), "--bootstrap-servers", "127.0.0.1:" + closedPort),
                "import: " + bad + ":2", "LIKE");
    }

    @Test
    @Timeout(120)
    void shouldRefuseAnExperimentReplayThatCouldNotReportBeforeStartingItsBroker() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.csv"), "");
        String[] variants = {"--variant", "a=heuristic", "--variant", "b=heuristic"};

        assertOneLine(run(Map.of(), concat(new String[] {"experiment", "replay", empty.toString()}, variants)),
                "error: " + empty + ": no events", "no events");
        assertOneLine(run(Map.of(), concat(new String[] {"experiment", "replay", dir.resolve("missing.csv").toString()},
                variants)), "error: " + dir.resolve("missing.csv") + ": no such file", "no such file");
        // bad options are usage errors (exit 2), in OptionRulesCommandLineTest
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    @Timeout(180)
    void shouldNameAMissingTopicInsteadOfWaitingAMinuteForItsMetadata() throws Exception {
        Path events = Files.writeString(dir.resolve("events.csv"), "u1,i1,VIEW,1\n");
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.startTemporary(1)) {
            TopicAdmin.ensureTopics(cluster.bootstrapServers(), List.of(new TopicSettings("user-events", 1, (short) 1, false)));
            String address = cluster.bootstrapServers();

            assertOneLine(run(Map.of(), "import", events.toString(), "--bootstrap-servers", address, "--topic", "no-such-topic"),
                    "import: unknown topic no-such-topic; existing topics: user-events", "--topic");
            assertOneLine(run(Map.of(), "simulate", "--count", "10", "--bootstrap-servers", address, "--topic", "no-such-topic"),
                    "simulate: unknown topic no-such-topic; existing topics: user-events", "the streams app creates its topics");

            // a setting the app refuses, or one Micronaut cannot convert: one line, not an 80-110-line injection trace
            Map<String, String> serve = Map.of("KAFKA_BOOTSTRAP_SERVERS", address, "MICRONAUT_SERVER_PORT", "-1",
                    "KAFKA_STREAMS_DEFAULT_STATE_DIR", dir.resolve("state").toString());
            Map<String, String> kZero = new java.util.HashMap<>(serve);
            kZero.put("STREAMREC_RECOMMEND_K", "0");
            assertOneLine(run(kZero, "serve"), "serve: bad setting: streamrec.recommend.k must be > 0, was 0", "was 0");
            Map<String, String> badWindow = new java.util.HashMap<>(serve);
            badWindow.put("STREAMREC_QUALITY_WINDOW", "soon");
            assertOneLine(run(badWindow, "serve"), "serve: bad setting: streamrec.quality.window 'soon' cannot be read as Duration",
                    "ISO-8601");
        }
    }

    @Test
    @Timeout(180)
    void shouldNameThePortOrDataDirectoryInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = taken.getLocalPort();
            Path data = dir.resolve("data");

            assertOneLine(run(Map.of(), "dev", "--data-dir", data.toString(), "--kafka-port", "0", "--port", String.valueOf(port)),
                    "dev: port " + port + " (the HTTP port, --port) is in use", "--port");
            assertOneLine(run(Map.of(), "dev", "--data-dir", data.toString(), "--port", "0", "--kafka-port", String.valueOf(port)),
                    "dev: port " + port + " (the Kafka port, --kafka-port) is in use", "--kafka-port");
            assertOneLine(run(Map.of(), "dev", "--data-dir", data.toString(), "--port", "0", "--kafka-port", String.valueOf(port - 1)),
                    "dev: port " + port + " (the Kafka controller port, --kafka-port + 1) is in use", "--kafka-port");
        }
        Path busy = Files.createDirectories(dir.resolve("busy"));
        try (FileChannel channel = FileChannel.open(busy.resolve(DevPreflight.LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            assertOneLine(run(Map.of(), "dev", "--data-dir", busy.toString(), "--port", "0", "--kafka-port", "0"),
                    "dev: data directory " + busy.toAbsolutePath() + " is in use by another dev", "--data-dir");
        }
    }

    private record Outcome(int exitCode, List<String> lines, Duration took) {
    }

    private static void assertOneLine(Outcome outcome, String start, String alsoNames) {
        assertThat(outcome.lines()).as("everything the command printed").hasSize(1);
        String line = outcome.lines().get(0);
        assertThat(line).as("the one line").startsWith(start).contains(alsoNames)
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(outcome.exitCode()).as("exit code of " + line).isEqualTo(1);
        assertThat(outcome.took()).as("time to the error: " + line).isLessThan(PROMPT);
    }

    /** The launcher's command line (streamrec.jar) in a child JVM with the shipped logback.xml; stdout and stderr together. */
    private Outcome run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dlogback.configurationFile=logback.xml", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        pb.environment().putAll(env);
        long started = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " still running after 90 s:\n" + Files.readString(out));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        return new Outcome(p.exitValue(), lines, took);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }
}
