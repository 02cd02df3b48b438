package dev.streamrec.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.streamrec.console.CommandError;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM: KRaft, combined broker + controller, one node, built from the
 * Maven Central artifacts. Used by the embedded run ({@code dev}) and by integration tests when
 * Docker is not there.
 *
 * <p>The quorum is static ({@code controller.quorum.voters}), so a broker restarted on the same
 * data directory and ports comes back with its topics; with port 0 both ports are picked free.
 * Internal topics get replication factor 1, without which Kafka Streams never leaves REBALANCING.
 * A fixed port pair in use, or a data directory another broker holds, fails at once with one
 * {@link CommandError} line.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;
    private final Path dataDir;
    private final boolean deleteOnClose;

    /**
     * @param port         client port, or 0 for a free one
     * @param dataDir      log directory, or null for a temporary one deleted on close
     * @param overrides    extra broker properties (e.g. num.partitions)
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir, Map<String, String> overrides) {
        long started = System.nanoTime();
        boolean temporary = dataDir == null;
        try {
            Path dir = temporary ? Files.createTempDirectory("streamrec-kafka-") : dataDir;
            Files.createDirectories(dir);
            int clientPort = port == 0 ? freePort() : port;
            int controllerPort = port == 0 ? freePort() : port + 1;
            if (port != 0) {
                requireFreePort(clientPort, "its client port");
                requireFreePort(controllerPort, "its controller port, the client port + 1");
            }
            requireUnlocked(dir);
            Properties props = brokerProperties(dir, clientPort, controllerPort, overrides);
            LogDirFormat.formatOnce(dir, props, Uuid.randomUuid(), List.of());
            KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
            server.startup();
            String bootstrap = "127.0.0.1:" + clientPort;
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, bootstrap, dir, temporary);
            broker.awaitReady(Duration.ofSeconds(60));
            LOG.info("Kafka broker ready on {} (data in {}) after {} ms", bootstrap, dir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to start the in-process Kafka broker", e);
        }
    }

    /** A broker on free ports with a temporary directory. */
    public static EmbeddedKafkaBroker startTemporary() {
        return start(0, null, Map.of());
    }

    private EmbeddedKafkaBroker(KafkaRaftServer server, String bootstrapServers, Path dataDir, boolean deleteOnClose) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path dataDir() {
        return dataDir;
    }

    private static Properties brokerProperties(Path dir, int clientPort, int controllerPort, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + clientPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.toAbsolutePath().toString());
        p.put("num.partitions", "4");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4"); // 50 by default: each one more log to load at every restart
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE)); // leave fsync to the OS page cache
        // Segments below a purged log start (repartition topics) or past retention go within 30 s, not 5 min.
        p.put("log.retention.check.interval.ms", "30000");
        p.putAll(overrides);
        return p;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("in-process broker not ready after " + timeout, e);
                    }
                }
                sleep(100);
            }
        }
    }

    /** Kafka fails deep in startup, after pages of log lines, when a fixed port is taken; say it first. */
    private static void requireFreePort(int port, String role) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new CommandError("port " + port + " is in use, and the in-process Kafka broker needs it ("
                    + role + "): stop what holds it or choose another port");
        }
    }

    /** Kafka locks {@code .lock} in its log directory; a second broker on the same directory would fail in startup. */
    private static void requireUnlocked(Path dir) throws IOException {
        Path lock = dir.resolve(".lock");
        if (!Files.exists(lock)) {
            return; // never started here
        }
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.WRITE)) {
            FileLock held = channel.tryLock();
            if (held == null) {
                throw new OverlappingFileLockException();
            }
            held.release();
        } catch (OverlappingFileLockException e) {
            throw new CommandError("Kafka data directory " + dir.toAbsolutePath()
                    + " is in use by another broker (it holds " + lock.getFileName() + "): stop it or use another directory");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        if (deleteOnClose) {
            try {
                org.apache.kafka.common.utils.Utils.delete(dataDir.toFile());
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", dataDir, e.toString());
            }
        }
        LOG.info("Kafka broker on {} stopped", bootstrapServers);
    }
}
