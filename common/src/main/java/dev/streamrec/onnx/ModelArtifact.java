package dev.streamrec.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelLoadException.Reason;

/**
 * A verified model artifact: the directory {@code <root>/<model>/<version>/} with
 * {@link ModelContract#MODEL_FILE} and {@link ModelContract#MANIFEST_FILE}, whose manifest names
 * this contract version and signature and whose sha256 matches the model file. Loading reads the
 * whole file once to hash it; nothing is opened in ONNX Runtime yet.
 */
public record ModelArtifact(Path directory, ModelManifest manifest) {

    /** The signature every artifact of this contract version declares in its manifest. */
    public static final Map<String, String> INPUT_SIGNATURE = ordered(
            ModelContract.HISTORY_ITEMS, "string[B,L]",
            ModelContract.HISTORY_TYPES, "int64[B,L]",
            ModelContract.HISTORY_AGES, "float[B,L]",
            ModelContract.CANDIDATES, "string[B,C]",
            ModelContract.EXCLUDE, "string[B,E]",
            ModelContract.K, "int64[1]");
    public static final Map<String, String> OUTPUT_SIGNATURE = ordered(
            ModelContract.SCORES, "float[B,C]",
            ModelContract.TOP_ITEMS, "string[B,K]",
            ModelContract.TOP_SCORES, "float[B,K]");

    public Path modelFile() {
        return directory.resolve(ModelContract.MODEL_FILE);
    }

    /**
     * Reads and verifies the artifact in {@code directory}, checks in this order: both files present
     * (MISSING_FILE), the manifest readable (BAD_MANIFEST), contract version and declared signature
     * (CONTRACT_MISMATCH), the model file's sha256 (CHECKSUM_MISMATCH, or MISSING_FILE when it cannot
     * be read).
     *
     * @throws ModelLoadException saying what is wrong, with that {@link ModelLoadException.Reason}
     */
    public static ModelArtifact load(Path directory) {
        Path manifestFile = directory.resolve(ModelContract.MANIFEST_FILE);
        Path modelFile = directory.resolve(ModelContract.MODEL_FILE);
        if (!Files.isRegularFile(manifestFile) || !Files.isRegularFile(modelFile)) {
            throw new ModelLoadException(Reason.MISSING_FILE, "not a model artifact: " + directory + " needs "
                    + ModelContract.MODEL_FILE + " and " + ModelContract.MANIFEST_FILE);
        }
        ModelManifest manifest;
        try {
            manifest = ModelManifest.read(manifestFile);
        } catch (UncheckedIOException e) {
            throw new ModelLoadException(Reason.BAD_MANIFEST, "unreadable manifest " + manifestFile + ": "
                    + e.getCause().getMessage(), e);
        }
        if (manifest.contractVersion() != ModelContract.CONTRACT_VERSION) {
            throw new ModelLoadException(Reason.CONTRACT_MISMATCH, "artifact " + directory + " has contract version "
                    + manifest.contractVersion() + ", this code speaks " + ModelContract.CONTRACT_VERSION);
        }
        if (!INPUT_SIGNATURE.equals(manifest.inputs()) || !OUTPUT_SIGNATURE.equals(manifest.outputs())) {
            throw new ModelLoadException(Reason.CONTRACT_MISMATCH, "artifact " + directory + " declares inputs "
                    + manifest.inputs() + " and outputs " + manifest.outputs() + ", the contract is " + INPUT_SIGNATURE
                    + " -> " + OUTPUT_SIGNATURE);
        }
        String actual;
        try {
            actual = sha256(modelFile);
        } catch (UncheckedIOException e) {
            throw new ModelLoadException(Reason.MISSING_FILE, e.getMessage() + ": " + e.getCause().getMessage(), e);
        }
        if (!actual.equalsIgnoreCase(manifest.sha256())) {
            throw new ModelLoadException(Reason.CHECKSUM_MISMATCH, "checksum mismatch for " + modelFile
                    + ": manifest says " + manifest.sha256() + ", file is " + actual);
        }
        return new ModelArtifact(directory, manifest);
    }

    /** Hex SHA-256 of a file, streamed. */
    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            byte[] buffer = new byte[1 << 16];
            while (in.read(buffer) >= 0) {
                // reading drives the digest
            }
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("failed to hash " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    /**
     * Version directories of a model, oldest first. Versions sort as text (the trainer writes UTC
     * timestamps); names starting with a dot (staging, rejected) are not versions.
     */
    public static List<Path> versions(Path root, String model) {
        Path dir = root.resolve(model);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve(ModelContract.MANIFEST_FILE)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("failed to list model versions in " + dir, e);
        }
    }

    /** The newest version directory of a model, if any. */
    public static Optional<Path> latest(Path root, String model) {
        List<Path> all = versions(root, model);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getLast());
    }

    private static Map<String, String> ordered(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }
}
