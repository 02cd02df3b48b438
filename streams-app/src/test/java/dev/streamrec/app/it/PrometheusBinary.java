package dev.streamrec.app.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server binary for the dashboard test, found or provisioned so that
 * {@code ./mvnw -B verify} passes on a fresh Debian machine that has only a JDK: {@code PROMETHEUS_BIN},
 * else {@code prometheus} on the PATH, else Debian's package unpacked under {@code target/} (Prometheus
 * is a Go binary that needs only libc, so {@code apt-get download} + {@code dpkg-deb -x} is enough: no
 * root, no install). When the machine's package lists are missing or stale, a private
 * {@code apt-get update} into {@code target/} fills them, which also works without root.
 */
final class PrometheusBinary {

    private static final String PACKAGE = "prometheus";

    private PrometheusBinary() {
    }

    /** The binary to run; fails (never skips) with what to install when none can be had. */
    static synchronized Path find(Path buildDir) throws IOException, InterruptedException {
        String configured = System.getenv("PROMETHEUS_BIN");
        if (configured != null && !configured.isBlank()) {
            return requireExecutable(Path.of(configured), "PROMETHEUS_BIN");
        }
        Optional<Path> onPath = onPath(PACKAGE);
        if (onPath.isPresent()) {
            return onPath.get();
        }
        Path root = buildDir.toAbsolutePath().resolve("prometheus");
        Path binary = root.resolve("usr/bin/prometheus");
        if (Files.isExecutable(binary)) {
            return binary;
        }
        return provisionFromDebian(root.resolve("apt"), root, binary);
    }

    private static Path provisionFromDebian(Path aptDir, Path root, Path binary) throws IOException, InterruptedException {
        if (onPath("apt-get").isEmpty() || onPath("dpkg-deb").isEmpty()) {
            throw new IllegalStateException("no Prometheus server: install one (it must be on the PATH, or set PROMETHEUS_BIN);"
                    + " on Debian/Ubuntu the test fetches the 'prometheus' package itself, but apt-get/dpkg-deb are missing here");
        }
        Files.createDirectories(aptDir);
        StringBuilder log = new StringBuilder();
        // The machine's package lists first; a private update when they are empty or stale.
        if (!run(aptDir, log, "apt-get", "-q", "download", PACKAGE)) {
            Path lists = Files.createDirectories(aptDir.resolve("lists/partial")).getParent();
            Path cache = Files.createDirectories(aptDir.resolve("cache/archives/partial")).getParent().getParent();
            List<String> privateDirs = List.of("-o", "Dir::State::Lists=" + lists, "-o", "Dir::Cache=" + cache,
                    "-o", "Debug::NoLocking=1");
            if (!run(aptDir, log, concat(List.of("apt-get", "-q"), privateDirs, List.of("update")))
                    || !run(aptDir, log, concat(List.of("apt-get", "-q"), privateDirs, List.of("download", PACKAGE)))) {
                throw new IllegalStateException("could not download Debian's '" + PACKAGE + "' package into " + aptDir
                        + " (install Prometheus or set PROMETHEUS_BIN):\n" + log);
            }
        }
        Path deb;
        try (Stream<Path> files = Files.list(aptDir)) {
            deb = files.filter(p -> p.getFileName().toString().startsWith(PACKAGE + "_") && p.toString().endsWith(".deb"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("apt-get download left no .deb in " + aptDir + ":\n" + log));
        }
        if (!run(aptDir, log, "dpkg-deb", "-x", deb.toString(), root.toString())) {
            throw new IllegalStateException("could not unpack " + deb + ":\n" + log);
        }
        return requireExecutable(binary, "the unpacked package");
    }

    private static boolean run(Path dir, StringBuilder log, String... command) throws IOException, InterruptedException {
        return run(dir, log, List.of(command));
    }

    private static boolean run(Path dir, StringBuilder log, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "cmd-", ".log");
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        boolean finished = p.waitFor(5, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        log.append("$ ").append(String.join(" ", command)).append('\n')
                .append(Files.readString(out, StandardCharsets.UTF_8));
        Files.delete(out);
        return finished && p.exitValue() == 0;
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Path requireExecutable(Path p, String source) {
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " (from " + source + ") is not an executable file");
        }
        return p;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> part : parts) {
            all.addAll(part);
        }
        return all;
    }
}
