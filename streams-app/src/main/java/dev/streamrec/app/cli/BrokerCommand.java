package dev.streamrec.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import dev.streamrec.broker.EmbeddedKafkaCluster;
import dev.streamrec.console.OptionRules;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code broker}: the in-process Kafka cluster alone (a controller and N brokers, as the multi-instance
 * and broker-failure tests run it), on fixed ports, so that several {@code serve} instances can be
 * tried on one machine. Runs until Ctrl-C; its data directory survives restarts.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run an in-process Kafka cluster (KRaft: one controller and N brokers) on fixed ports until Ctrl-C.",
                "With 3 brokers, topics get 3 replicas and min.insync.replicas 2, as the tests use them.",
                "Then start several 'serve' instances against it (see the README's \"Running several instances\")."})
public final class BrokerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--brokers", defaultValue = "3", description = "Brokers (1 to 9; default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(names = "--port", defaultValue = "29092",
            description = "Client port of broker 1; broker n uses port + n - 1, the controller port + 100 (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data-dir", defaultValue = "data/cluster", description = "Log directories (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--fresh", description = "Delete the data directory first.")
    boolean fresh;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (brokers < 1 || brokers > 9) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--brokers must be 1 to 9, was " + brokers);
        }
        OptionRules.port(spec, "--port", port, false);
        OptionRules.port(spec, "--port + 100 (the controller's)", port + 100, false);
        if (fresh && Files.exists(dataDir)) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        EmbeddedKafkaCluster cluster;
        try {
            cluster = EmbeddedKafkaCluster.start(brokers, port, dataDir, Map.of(), null);
        } catch (RuntimeException e) { // a port in use, a data directory of another cluster: one line, not a trace
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            spec.commandLine().getErr().printf("error: could not start %d broker(s) on ports %d-%d (controller %d) with data in %s: %s%n",
                    brokers, port, port + brokers - 1, port + 100, dataDir, root.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }, "broker-shutdown"));
        int replicas = Math.min(3, brokers);
        out.printf("Kafka: %d broker(s) on %s (controller 127.0.0.1:%d), data in %s. Ctrl-C stops it.%n",
                brokers, cluster.bootstrapServers(), port + 100, dataDir.toAbsolutePath());
        out.printf("An app instance (repeat with other ports and state directories; the same application id):%n"
                        + "  JAVA_OPTS=\"-Dkafka.bootstrap.servers=%s -Dmicronaut.server.port=8081 \\%n"
                        + "    -Dkafka.streams.default.application.server=localhost:8081 -Dkafka.streams.default.state.dir=data/app-8081 \\%n"
                        + "    -Dkafka.streams.default.replication.factor=%d -Dstreamrec.topics.default-replication-factor=%d \\%n"
                        + "    -Dkafka.streams.default.num.standby.replicas=1\" ./streamrec serve%n",
                cluster.bootstrapServers(), replicas, replicas);
        out.flush();
        stopped.await();
        return 0;
    }
}
