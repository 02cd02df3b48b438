package dev.streamrec.app.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import dev.streamrec.app.scoring.ModelRejectedException;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.ModelArtifact;

/**
 * Turns an announcement's {@code uri} into a local artifact directory: a plain path or a
 * {@code file:} URL is used in place; an {@code http(s):} URL (the artifact directory) has its
 * {@link ModelContract#MANIFEST_FILE} and {@link ModelContract#MODEL_FILE} downloaded into
 * {@code <cacheDir>/<name>/<version>/}, through a temporary directory renamed into place, so a
 * half-finished download is never taken for an artifact. A cached copy whose model file has the
 * announced sha256 is reused. Failures are {@link Reason#DOWNLOAD}.
 */
public final class ArtifactFetcher {

    private final Path cacheDir;
    private final Duration timeout;
    private final HttpClient http;

    public ArtifactFetcher(Path cacheDir, Duration timeout) {
        this.cacheDir = cacheDir;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    public Path fetch(String name, String version, String uri, String sha256) {
        String scheme = scheme(uri);
        if (scheme.equals("http") || scheme.equals("https")) {
            return download(name, version, uri, sha256);
        }
        Path dir;
        try {
            dir = scheme.equals("file") ? Path.of(URI.create(uri)) : Path.of(uri);
        } catch (IllegalArgumentException e) { // InvalidPathException included
            throw new ModelRejectedException(Reason.DOWNLOAD, "artifact uri '" + uri + "' of model " + name + " "
                    + version + " is neither a path nor a file:/http(s): URL", e);
        }
        if (!Files.isDirectory(dir)) {
            throw new ModelRejectedException(Reason.DOWNLOAD, "artifact directory " + dir + " of model " + name + " "
                    + version + " does not exist");
        }
        return dir;
    }

    private static String scheme(String uri) {
        int colon = uri.indexOf(':');
        if (colon < 2) { // no scheme, or a Windows drive letter
            return "";
        }
        return uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    private Path download(String name, String version, String uri, String sha256) {
        Path target = cacheDir.resolve(safe(name)).resolve(safe(version));
        Path cachedModel = target.resolve(ModelContract.MODEL_FILE);
        if (Files.isRegularFile(cachedModel) && Files.isRegularFile(target.resolve(ModelContract.MANIFEST_FILE))
                && ModelArtifact.sha256(cachedModel).equalsIgnoreCase(sha256)) {
            return target;
        }
        String base = uri.endsWith("/") ? uri : uri + "/";
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempDirectory(target.getParent(), "." + safe(version) + "-download-");
            for (String file : List.of(ModelContract.MANIFEST_FILE, ModelContract.MODEL_FILE)) {
                URI from = URI.create(base + file);
                HttpResponse<InputStream> resp = http.send(HttpRequest.newBuilder(from).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = resp.body()) {
                    if (resp.statusCode() != 200) {
                        throw new ModelRejectedException(Reason.DOWNLOAD, "downloading " + from + " for model " + name
                                + " " + version + " answered HTTP " + resp.statusCode());
                    }
                    Files.copy(in, tmp.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            deleteRecursively(target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            tmp = null;
            return target;
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelRejectedException(Reason.DOWNLOAD, "failed to download model " + name + " " + version
                    + " from " + uri + " into " + target + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelRejectedException(Reason.DOWNLOAD, "interrupted downloading model " + name + " " + version
                    + " from " + uri, e);
        } finally {
            if (tmp != null) {
                try {
                    deleteRecursively(tmp);
                } catch (IOException ignored) {
                    // best effort: a leftover temp directory is never taken for an artifact
                }
            }
        }
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
