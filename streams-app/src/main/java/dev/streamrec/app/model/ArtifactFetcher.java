package dev.streamrec.app.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamrec.app.scoring.ModelRejectedException;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import dev.streamrec.model.ManifestSignature;
import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.ModelArtifact;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an announcement's {@code uri} into a local artifact directory, under the rules of an
 * {@link ArtifactPolicy}:
 * <ul>
 *   <li>a plain path or a {@code file:} URL is used in place, once resolved inside an artifact root;</li>
 *   <li>an {@code http(s):} URL of an allowed host (the artifact directory) has its
 *       {@link ModelContract#MANIFEST_FILE}, {@link ModelContract#MODEL_FILE} and, when a signing key is
 *       configured, {@link ManifestSignature#SIGNATURE_FILE} downloaded into
 *       {@code <cacheDir>/<name>/<version>/} through a temporary directory renamed into place, so a
 *       half-finished download is never taken for an artifact. Redirects are not followed; the
 *       files together may not exceed {@link ArtifactPolicy#maxBytes}; the whole download, not only
 *       the response headers, must finish within {@link ArtifactPolicy#downloadTimeout} (a watchdog
 *       closes a stream that trickles). Partial downloads are deleted, and so is a downloaded
 *       artifact that is refused later ({@link #discard}).</li>
 * </ul>
 * A cached copy whose model file has the announced sha256 is reused.
 */
public final class ArtifactFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactFetcher.class);
    /** Closes streams that outlive their deadline (one shared daemon thread). */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "streamrec-download-watchdog");
        t.setDaemon(true);
        return t;
    });
    private static final long MANIFEST_MAX_BYTES = 16L << 20;

    /** A local artifact directory; {@code downloaded} when it lies in the cache (and may be deleted). */
    public record Fetched(Path directory, boolean downloaded) {
    }

    private final ArtifactPolicy policy;
    private final HttpClient http;

    public ArtifactFetcher(ArtifactPolicy policy) {
        this.policy = policy;
        Duration connect = policy.downloadTimeout().compareTo(Duration.ofSeconds(10)) < 0 ? policy.downloadTimeout()
                : Duration.ofSeconds(10);
        this.http = HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    public ArtifactPolicy policy() {
        return policy;
    }

    public Fetched fetch(String name, String version, String uri, String sha256) {
        ArtifactPolicy.checkNames(name, version);
        if (uri == null || uri.isBlank()) {
            throw new ModelRejectedException(Reason.UNTRUSTED, "model " + name + " " + version + " has no artifact uri");
        }
        String scheme = ArtifactPolicy.scheme(uri);
        if (scheme.equals("file")) {
            return new Fetched(policy.localDirectory(name, version, uri), false);
        }
        URI base = policy.remoteDirectory(name, version, uri);
        return new Fetched(download(name, version, base, sha256), true);
    }

    /** Deletes a downloaded artifact that was refused after its download; local artifacts are never touched. */
    public void discard(Fetched fetched) {
        if (!fetched.downloaded()) {
            return;
        }
        Path dir = fetched.directory();
        if (!dir.startsWith(policy.cacheDir()) && !startsWithReal(dir)) {
            LOG.error("not deleting {}: outside the artifact cache {}", dir, policy.cacheDir());
            return;
        }
        try {
            deleteRecursively(dir);
        } catch (IOException e) {
            LOG.warn("could not delete the refused download {}: {}", dir, e.toString());
        }
    }

    private boolean startsWithReal(Path dir) {
        try {
            return dir.startsWith(policy.cacheDir().toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private Path download(String name, String version, URI base, String sha256) {
        Path target = policy.cacheTarget(name, version);
        List<String> files = new ArrayList<>(List.of(ModelContract.MANIFEST_FILE, ModelContract.MODEL_FILE));
        if (policy.signingKey() != null) {
            files.add(ManifestSignature.SIGNATURE_FILE);
        }
        if (cached(target, files, sha256)) {
            return target;
        }
        long deadline = System.nanoTime() + policy.downloadTimeout().toNanos();
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(target.getParent(), ".download-" + version + "-");
            long left = policy.maxBytes();
            for (String file : files) {
                long cap = file.equals(ModelContract.MODEL_FILE) ? left : Math.min(left, MANIFEST_MAX_BYTES);
                left -= get(base.resolve(file), tmp.resolve(file), cap, deadline, name, version);
            }
            deleteRecursively(target);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            tmp = null;
            return target;
        } catch (IOException e) {
            throw new ModelRejectedException(Reason.DOWNLOAD, "failed to download model " + name + " " + version
                    + " from " + base + " into " + target + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    deleteRecursively(tmp);
                } catch (IOException e) {
                    LOG.warn("could not delete the partial download {}: {}", tmp, e.toString());
                }
            }
        }
    }

    private static boolean cached(Path target, List<String> files, String sha256) {
        for (String f : files) {
            if (!Files.isRegularFile(target.resolve(f))) {
                return false;
            }
        }
        return sha256 != null && ModelArtifact.sha256(target.resolve(ModelContract.MODEL_FILE)).equalsIgnoreCase(sha256);
    }

    /** Streams one file to {@code to}; at most {@code cap} bytes, done by {@code deadline}; returns the bytes written. */
    private long get(URI from, Path to, long cap, long deadline, String name, String version) throws IOException {
        String what = "downloading " + from + " for model " + name + " " + version;
        if (!policy.hostAllowed(from)) { // base.resolve keeps the host; checked again all the same
            throw new ModelRejectedException(Reason.UNTRUSTED, what + ": host not allowed");
        }
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw deadlineExceeded(what);
        }
        CompletableFuture<HttpResponse<InputStream>> pending = http.sendAsync(
                HttpRequest.newBuilder(from).timeout(Duration.ofNanos(remaining)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        HttpResponse<InputStream> resp;
        try {
            resp = pending.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw deadlineExceeded(what);
        } catch (InterruptedException e) {
            pending.cancel(true);
            Thread.currentThread().interrupt();
            throw new ModelRejectedException(Reason.DOWNLOAD, "interrupted " + what, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof java.net.http.HttpTimeoutException) {
                throw deadlineExceeded(what);
            }
            throw new ModelRejectedException(Reason.DOWNLOAD, what + " failed: " + c, c);
        }
        InputStream in = resp.body();
        ScheduledFuture<?> watchdog = WATCHDOG.schedule(() -> closeQuietly(in),
                Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        try (in; OutputStream out = Files.newOutputStream(to)) {
            int status = resp.statusCode();
            if (status >= 300 && status < 400) {
                throw new ModelRejectedException(Reason.UNTRUSTED, what + ": HTTP " + status + " redirect to '"
                        + ArtifactPolicy.printable(resp.headers().firstValue("Location").orElse("")) + "' not followed");
            }
            if (status != 200) {
                throw new ModelRejectedException(Reason.DOWNLOAD, what + " answered HTTP " + status);
            }
            long declared = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > cap) {
                throw tooLarge(what, declared, cap);
            }
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > cap) {
                    throw tooLarge(what, total, cap);
                }
                out.write(buffer, 0, n);
                if (System.nanoTime() - deadline > 0) {
                    throw deadlineExceeded(what);
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw deadlineExceeded(what); // the watchdog closed the stream: a short read, not the file
            }
            return total;
        } catch (IOException e) {
            if (System.nanoTime() - deadline > 0) {
                throw deadlineExceeded(what);
            }
            throw e;
        } finally {
            watchdog.cancel(false);
        }
    }

    private ModelRejectedException deadlineExceeded(String what) {
        return new ModelRejectedException(Reason.DOWNLOAD, what + ": not finished within "
                + policy.downloadTimeout() + " (streamrec.models.download-timeout covers the whole download)");
    }

    private static ModelRejectedException tooLarge(String what, long bytes, long cap) {
        return new ModelRejectedException(Reason.DOWNLOAD, what + ": " + bytes + " bytes, over the limit of " + cap
                + " (streamrec.models.max-artifact-bytes)");
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing only to unblock a read past the deadline
        }
    }

    /** Kafka's recursive delete: a missing path is fine, and links are removed, never followed. */
    private static void deleteRecursively(Path dir) throws IOException {
        org.apache.kafka.common.utils.Utils.delete(dir.toFile());
    }
}
