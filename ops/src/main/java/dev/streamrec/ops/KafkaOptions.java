package dev.streamrec.ops;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import dev.streamrec.console.CommandError;
import dev.streamrec.kafka.BrokerProbe;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** Connection options shared by the on-call commands (a picocli mixin). */
public final class KafkaOptions {

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka brokers (default: $KAFKA_BOOTSTRAP_SERVERS or ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Client properties file (security settings etc.), as for Kafka's own tools.")
    Path commandConfig;

    /**
     * Client settings for Admin, consumers and producers: the file's properties, then the brokers.
     *
     * @throws OpsException when no bootstrap address accepts a connection
     */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        if (commandConfig != null) {
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(commandConfig)) {
                p.load(in);
            } catch (IOException e) {
                throw new OpsException("cannot read --command-config " + commandConfig + ": " + e.getMessage(), e);
            }
            p.stringPropertyNames().forEach(k -> config.put(k, p.getProperty(k)));
        }
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // A plain connect names an unreachable address at once; Kafka's clients would retry it for 30 s, warning each time.
        try {
            BrokerProbe.requireReachable(bootstrapServers, "-b/--bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS");
        } catch (CommandError e) {
            throw new OpsException(e.getMessage(), e);
        }
        return config;
    }
}
