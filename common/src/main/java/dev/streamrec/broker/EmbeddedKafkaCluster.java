package dev.streamrec.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several real Kafka brokers in this JVM (KRaft): one controller node and {@code count} broker
 * nodes. Used by the {@code broker} command and by the integration tests that stop and restart
 * brokers; the controller is separate so that stopping brokers (one, or all of them) is exactly that.
 *
 * <p>Ports are fixed for the cluster's life (picked free at start when the base port is 0) and the
 * quorum is static, so a stopped broker restarts on the same directory and ports, and clients find
 * it again from their bootstrap list. Topics the brokers create themselves (consumer offsets,
 * transaction state) and topics created without a replication factor get {@code min(3, brokers)}
 * replicas, and {@code min.insync.replicas} is {@code min(2, brokers)}: with three brokers, one may
 * be down while {@code acks=all} producers and exactly-once transactions go on.
 *
 * <p>Optionally a {@code SASL_SSL} listener (SCRAM-SHA-512 over TLS) with the StandardAuthorizer
 * serves clients; the node-to-node listeners stay PLAINTEXT on loopback and their principal
 * ({@code User:ANONYMOUS}) is a super user, which is fine on one machine and nowhere else.
 */
public final class EmbeddedKafkaCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaCluster.class);
    private static final String SECURE = "SASL_SSL";

    /** TLS and SCRAM settings of the optional {@code SASL_SSL} client listener. */
    public record SecureListener(Path keyStore, String keyStorePassword, String superUser, String superUserPassword) {
    }

    private static final int CONTROLLER_ID = 100;

    private final NodeSpec controller;
    private final List<NodeSpec> nodes;
    private final Map<Integer, KafkaRaftServer> running = new LinkedHashMap<>();
    private KafkaRaftServer controllerServer;
    private final Path root;
    private final boolean deleteOnClose;
    private final SecureListener secure;

    private record NodeSpec(int id, int clientPort, int controllerPort, int securePort, Path dir, Properties props) {
    }

    private static NodeSpec node(int id, int clientPort, int controllerPort, int securePort, Path dir, Properties props,
                                 Uuid clusterId, SecureListener secure) throws IOException {
        Files.createDirectories(dir);
        format(dir, props, clusterId, secure);
        return new NodeSpec(id, clientPort, controllerPort, securePort, dir, props);
    }

    /** The cluster id of a data directory formatted before, else a new one. */
    private static Uuid clusterId(Path root) throws IOException {
        Path meta = root.resolve("controller").resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties p = new Properties();
            try (var in = Files.newInputStream(meta)) {
                p.load(in);
            }
            return Uuid.fromString(p.getProperty("cluster.id"));
        }
        return Uuid.randomUuid();
    }

    /**
     * Starts a controller and {@code count} brokers.
     *
     * @param count     brokers (1 to 9), ids 1 to count
     * @param basePort  client port of broker 1 (broker n listens on basePort + n - 1 and, when secured,
     *                  SASL_SSL on basePort + 199 + n; the controller on basePort + 100); 0 picks free ports
     * @param dataDir   parent of the nodes' log directories (reused across restarts: the cluster comes
     *                  back with its topics), or null for a temporary one deleted on close
     * @param overrides extra broker properties for every node
     * @param secure    a SASL_SSL client listener, or null for PLAINTEXT only
     */
    public static EmbeddedKafkaCluster start(int count, int basePort, Path dataDir, Map<String, String> overrides,
                                             SecureListener secure) {
        if (count < 1 || count > 9) {
            throw new IllegalArgumentException("a cluster has 1 to 9 brokers, not " + count);
        }
        long started = System.nanoTime();
        boolean temporary = dataDir == null;
        try {
            Path root = temporary ? Files.createTempDirectory("streamrec-kafka-cluster-") : dataDir;
            int controllerPort = basePort == 0 ? freePort() : basePort + 100;
            String voters = CONTROLLER_ID + "@127.0.0.1:" + controllerPort;
            Uuid clusterId = clusterId(root);
            NodeSpec controller = node(CONTROLLER_ID, -1, controllerPort, -1, root.resolve("controller"),
                    controllerProperties(voters, controllerPort, root.resolve("controller"), secure), clusterId, secure);
            List<NodeSpec> brokers = new ArrayList<>();
            for (int id = 1; id <= count; id++) {
                int client = basePort == 0 ? freePort() : basePort + id - 1;
                int securePort = secure == null ? -1 : basePort == 0 ? freePort() : basePort + 200 + id - 1;
                Path dir = root.resolve("broker-" + id);
                brokers.add(node(id, client, controllerPort, securePort, dir,
                        brokerProperties(id, count, voters, client, securePort, dir, overrides, secure), clusterId, secure));
            }
            EmbeddedKafkaCluster cluster = new EmbeddedKafkaCluster(controller, brokers, root, temporary, secure);
            try {
                cluster.controllerServer = startServer(controller);
                brokers.forEach(b -> cluster.running.put(b.id(), startServer(b)));
                cluster.awaitBrokers(count, Duration.ofSeconds(90));
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            LOG.info("Kafka cluster of {} broker(s) ready on {} (data in {}) after {} ms", count,
                    cluster.bootstrapServers(), root, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to start the in-process Kafka cluster", e);
        }
    }

    /** A PLAINTEXT cluster of {@code count} nodes on free ports with temporary directories. */
    public static EmbeddedKafkaCluster startTemporary(int count) {
        return start(count, 0, null, Map.of(), null);
    }

    private EmbeddedKafkaCluster(NodeSpec controller, List<NodeSpec> nodes, Path root, boolean deleteOnClose,
                                 SecureListener secure) {
        this.controller = controller;
        this.nodes = List.copyOf(nodes);
        this.root = root;
        this.deleteOnClose = deleteOnClose;
        this.secure = secure;
    }

    /** The PLAINTEXT client listeners of every node, {@code 127.0.0.1:p1,127.0.0.1:p2,...}. */
    public String bootstrapServers() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.clientPort()).collect(Collectors.joining(","));
    }

    /** The SASL_SSL client listeners (the cluster must have been started with one). */
    public String secureBootstrapServers() {
        if (secure == null) {
            throw new IllegalStateException("this cluster has no SASL_SSL listener");
        }
        return nodes.stream().map(n -> "127.0.0.1:" + n.securePort()).collect(Collectors.joining(","));
    }

    /** Node ids, 1 to the node count. */
    public List<Integer> nodeIds() {
        return nodes.stream().map(NodeSpec::id).toList();
    }

    /** Whether node {@code id} is running. */
    public synchronized boolean isRunning(int id) {
        return running.containsKey(id);
    }

    /** Stops one node (a clean shutdown: its partition leadership moves to the other replicas first). */
    public synchronized void stopNode(int id) {
        KafkaRaftServer server = running.remove(id);
        if (server == null) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka node {} stopped", id);
    }

    /** Starts a stopped node again on its directory and ports; waits until it is a registered broker. */
    public synchronized void startNode(int id) {
        if (running.containsKey(id)) {
            throw new IllegalStateException("node " + id + " is already running");
        }
        running.put(id, startServer(spec(id)));
        awaitBrokers(running.size(), Duration.ofSeconds(60));
        LOG.info("Kafka node {} started again", id);
    }

    /** Stops every running broker; the controller stays up, as a separate controller quorum would. */
    public synchronized void stopAll() {
        for (Integer id : List.copyOf(running.keySet())) {
            stopNode(id);
        }
    }

    /** Starts every stopped broker and waits for all. */
    public synchronized void startAll() {
        for (NodeSpec s : nodes) {
            if (!running.containsKey(s.id())) {
                running.put(s.id(), startServer(s));
            }
        }
        awaitBrokers(nodes.size(), Duration.ofSeconds(90));
        LOG.info("every Kafka node started again");
    }

    /** The node leading {@code partition} now. */
    public int leaderOf(TopicPartition partition) {
        try (Admin admin = Admin.create(adminConfig())) {
            Node leader = admin.describeTopics(List.of(partition.topic())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(partition.topic()).partitions().get(partition.partition()).leader();
            if (leader == null) {
                throw new IllegalStateException(partition + " has no leader");
            }
            return leader.id();
        } catch (Exception e) {
            throw new IllegalStateException("could not find the leader of " + partition, e);
        }
    }

    private NodeSpec spec(int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no node " + id + "; nodes: " + nodeIds()));
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, nodes.stream().filter(n -> running.containsKey(n.id()))
                .map(n -> "127.0.0.1:" + n.clientPort()).collect(Collectors.joining(",")));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return p;
    }

    /** The controller: one voter, so the quorum is never what a broker test takes down. */
    private static Properties controllerProperties(String voters, int controllerPort, Path dir, SecureListener secure) {
        Properties p = new Properties();
        p.put("log.dirs", dir.toAbsolutePath().toString());
        p.put("process.roles", "controller");
        p.put("node.id", String.valueOf(CONTROLLER_ID));
        p.put("controller.quorum.voters", voters);
        p.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT");
        if (secure != null) {
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("super.users", "User:" + secure.superUser() + ";User:ANONYMOUS");
        }
        return p;
    }

    private static Properties brokerProperties(int id, int count, String voters, int clientPort, int securePort,
                                               Path dir, Map<String, String> overrides, SecureListener secure) {
        String replicas = String.valueOf(Math.min(3, count));
        String minIsr = String.valueOf(Math.min(2, count));
        Properties p = new Properties();
        p.put("process.roles", "broker");
        p.put("node.id", String.valueOf(id));
        p.put("controller.quorum.voters", voters);
        String listeners = "PLAINTEXT://127.0.0.1:" + clientPort;
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (secure != null) {
            listeners += "," + SECURE + "://127.0.0.1:" + securePort;
            protocols += "," + SECURE + ":" + SECURE;
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.put("ssl.keystore.location", secure.keyStore().toAbsolutePath().toString());
            p.put("ssl.keystore.password", secure.keyStorePassword());
            p.put("ssl.key.password", secure.keyStorePassword());
            p.put("ssl.keystore.type", "PKCS12");
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            // broker-to-broker and broker-to-controller traffic runs over loopback PLAINTEXT as ANONYMOUS
            p.put("super.users", "User:" + secure.superUser() + ";User:ANONYMOUS");
            p.put("allow.everyone.if.no.acl.found", "false");
        }
        p.put("listeners", listeners);
        p.put("advertised.listeners", listeners);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", protocols);
        p.put("log.dirs", dir.toAbsolutePath().toString());
        p.put("num.partitions", "4");
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", replicas);
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE)); // leave fsync to the OS page cache
        p.putAll(overrides);
        return p;
    }

    /** Formats a node's directory once (with the super user's SCRAM credential when secured). */
    private static void format(Path dir, Properties props, Uuid clusterId, SecureListener secure) throws IOException {
        // SCRAM credentials live in the metadata log; the first one must be there before anyone can log in.
        LogDirFormat.formatOnce(dir, props, clusterId, secure == null ? List.of() : List.of("--add-scram",
                "SCRAM-SHA-512=[name=" + secure.superUser() + ",password=" + secure.superUserPassword() + "]"));
    }

    private static KafkaRaftServer startServer(NodeSpec spec) {
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(spec.props(), false), Time.SYSTEM);
        server.startup();
        return server;
    }

    private void awaitBrokers(int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        try (Admin admin = Admin.create(adminConfig())) {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= expected) {
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                }
                sleep(100);
            }
        }
        throw new IllegalStateException(expected + " broker(s) not ready after " + timeout, last);
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
    public synchronized void close() {
        // Brokers first, the controller last: a broker shutting down hands its partitions over through it.
        for (KafkaRaftServer s : running.values()) {
            s.shutdown();
            s.awaitShutdown();
        }
        running.clear();
        if (controllerServer != null) {
            controllerServer.shutdown();
            controllerServer.awaitShutdown();
            controllerServer = null;
        }
        if (deleteOnClose) {
            try {
                org.apache.kafka.common.utils.Utils.delete(root.toFile());
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", root, e.toString());
            }
        }
        LOG.info("Kafka cluster on {} stopped", bootstrapServers());
    }
}
