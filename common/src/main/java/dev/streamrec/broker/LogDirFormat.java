package dev.streamrec.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/** Formats a KRaft node's log directory with Kafka's own {@code kafka-storage format}, for the in-process brokers. */
final class LogDirFormat {

    private LogDirFormat() {
    }

    /**
     * Formats {@code dir} once, for the node configured by {@code props}, as part of cluster {@code clusterId};
     * a directory formatted before (it has {@code meta.properties}) is left as it is.
     *
     * @param extraArgs further {@code format} arguments (e.g. {@code --add-scram ...})
     */
    static void formatOnce(Path dir, Properties props, Uuid clusterId, List<String> extraArgs) throws IOException {
        if (Files.exists(dir.resolve("meta.properties"))) {
            return;
        }
        Path config = Files.createTempFile("streamrec-kafka-", ".properties");
        try {
            try (var out = Files.newOutputStream(config)) {
                props.store(out, "in-process broker");
            }
            List<String> args = new ArrayList<>(List.of("format", "-t", clusterId.toString(), "-c", config.toString()));
            args.addAll(extraArgs);
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            int rc = StorageTool.execute(args.toArray(String[]::new), new PrintStream(log, true, StandardCharsets.UTF_8));
            if (rc != 0) {
                throw new IllegalStateException("formatting " + dir + " failed: " + log.toString(StandardCharsets.UTF_8));
            }
        } finally {
            Files.deleteIfExists(config);
        }
    }
}
