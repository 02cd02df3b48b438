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
import java.util.Optional;

import dev.streamrec.onnx.ModelArtifact;

/**
 * The artifact tree of one model:
 * <pre>
 * root/model/20261123T101500123Z/{model.onnx, manifest.json}   published versions (sortable names)
 * root/model/.staging/VERSION/                                   being written and evaluated
 * root/model/.rejected/VERSION/                                  failed the gate, kept for inspection
 * </pre>
 * A version only appears under its final name by an atomic rename once it passed the gate, so a
 * reader listing versions never sees a half-written or rejected artifact.
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
