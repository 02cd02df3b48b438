package dev.streamrec.trainer.export;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import dev.streamrec.onnx.ModelArtifact;

/**
 * The artifact tree of one model:
 * <pre>
 * root/model/20261123T101500123Z/{model.onnx, manifest.json}   published versions (sortable names)
 * root/model/.staging/VERSION/                                   being written and evaluated
 * root/model/.rejected/VERSION/                                  failed the gate, kept for inspection
 * </pre>
 * A version only appears under its final name by an atomic rename once it passed the gate, so a
 * reader listing versions never sees a half-written or rejected artifact. {@link #prune} bounds the
 * tree: a retrain every few minutes would otherwise add gigabytes a day.
 */
public final class ArtifactStore {

    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path root;
    private final String model;

    public ArtifactStore(Path root, String model) {
        this.root = root;
        this.model = model;
    }

    public Path root() {
        return root;
    }

    public String model() {
        return model;
    }

    /** The newest published version, if any. */
    public Optional<Path> latest() {
        return ModelArtifact.latest(root, model);
    }

    /** A new version name after every existing one (UTC time, bumped by a millisecond on collision). */
    public String newVersion(Instant now) {
        Instant t = now;
        String latest = latest().map(p -> p.getFileName().toString()).orElse("");
        String v = VERSION.format(t);
        while (v.compareTo(latest) <= 0 || Files.exists(root.resolve(model).resolve(v))) {
            t = t.plusMillis(1);
            v = VERSION.format(t);
        }
        return v;
    }

    public Path stagingDir(String version) {
        return root.resolve(model).resolve(".staging").resolve(version);
    }

    /** Moves a staged version to its published place; returns the new directory. */
    public Path publish(Path staged) {
        return move(staged, root.resolve(model).resolve(staged.getFileName().toString()));
    }

    /** Moves a staged version aside, out of the version listing. */
    public Path reject(Path staged) {
        return move(staged, root.resolve(model).resolve(".rejected").resolve(staged.getFileName().toString()));
    }

    /**
     * Deletes published versions older than the newest {@code keep}, except {@code pinned} ones (an
     * experiment variant's pinned version), and rejected versions older than the newest {@code keep}.
     * The newest published version is always kept.
     *
     * @return the deleted versions' directories
     */
    public List<Path> prune(int keep, Set<String> pinned) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1, not " + keep);
        }
        List<Path> deleted = new ArrayList<>();
        List<Path> published = versions(root.resolve(model));
        for (int i = 0; i < published.size() - keep; i++) {
            if (!pinned.contains(published.get(i).getFileName().toString())) {
                deleted.add(delete(published.get(i)));
            }
        }
        List<Path> rejected = versions(root.resolve(model).resolve(".rejected"));
        for (int i = 0; i < rejected.size() - keep; i++) {
            deleted.add(delete(rejected.get(i)));
        }
        return deleted;
    }

    /** Version directories under {@code dir}, oldest first (names sort by time); hidden ones skipped. */
    private static List<Path> versions(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("failed to list " + dir, e);
        }
    }

    private static Path delete(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("failed to delete old artifact " + dir, e);
        }
    }

    private static Path move(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            try {
                return Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                return Files.move(from, to);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to move artifact " + from + " to " + to, e);
        }
    }
}
