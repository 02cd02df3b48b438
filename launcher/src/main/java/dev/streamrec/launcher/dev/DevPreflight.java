package dev.streamrec.launcher.dev;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.console.CommandError;
import dev.streamrec.events.EventCsv;

/**
 * What {@code dev} checks before it starts anything, so that each expected failure is one line
 * naming its cause: the {@code --import} file (readable, every line parses), the data directory
 * (not in use by another {@code dev}) and the three ports (HTTP, Kafka, Kafka's controller).
 */
final class DevPreflight {

    static final String LOCK_FILE = "dev.lock";

    private DevPreflight() {
    }

    /** Every event of the file, or a {@link CommandError} naming the file (and line). */
    static List<UserEvent> readImport(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CommandError("--import " + file + ": no such file");
        }
        if (!Files.isReadable(file)) {
            throw new CommandError("--import " + file + ": not readable");
        }
        try {
            List<UserEvent> events = EventCsv.read(file, EventCsv.Format.AUTO);
            if (events.isEmpty()) {
                throw new CommandError("--import " + file + ": no events in it");
            }
            return events;
        } catch (EventCsv.BadLineException e) {
            throw new CommandError("--import " + e.getMessage());
        }
    }

    /**
     * Holds {@code <dataDir>/dev.lock} until closed, so that a second {@code dev} on the same
     * directory stops at once instead of failing inside Kafka or Kafka Streams.
     */
    static AutoCloseable lockDataDir(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        Path lockFile = dataDir.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM (a test running two)
        }
        if (lock == null) {
            channel.close();
            throw new CommandError("data directory " + dataDir.toAbsolutePath() + " is in use by another dev (it holds "
                    + LOCK_FILE + "): stop that one, or give this one another --data-dir");
        }
        FileLock held = lock;
        return () -> {
            held.release();
            channel.close();
        };
    }

    /** Deletes what the data directory holds, except the lock. */
    static void wipe(Path dataDir) throws IOException {
        try (Stream<Path> children = Files.list(dataDir)) {
            for (Path child : children.filter(p -> !p.getFileName().toString().equals(LOCK_FILE)).toList()) {
                try (Stream<Path> files = Files.walk(child)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                } catch (NoSuchFileException gone) {
                    // deleted meanwhile
                }
            }
        }
    }

    /** A {@link CommandError} naming the first port of the three that is taken; 0 means "a free one". */
    static void requireFreePorts(int httpPort, int kafkaPort) {
        if (httpPort != 0) {
            requireFree(httpPort, "0.0.0.0", "the HTTP port, --port");
        }
        if (kafkaPort != 0) {
            requireFree(kafkaPort, "127.0.0.1", "the Kafka port, --kafka-port");
            requireFree(kafkaPort + 1, "127.0.0.1", "the Kafka controller port, --kafka-port + 1");
        }
    }

    private static void requireFree(int port, String host, String role) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new CommandError("port " + port + " (" + role + ") is in use: stop what holds it (another dev?),"
                    + " or choose other ports (--port, --kafka-port; 0 picks free ones)");
        }
    }
}
