package dev.streamrec.app.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import dev.streamrec.app.scoring.ModelRejectedException;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import dev.streamrec.model.ManifestSignature;
import dev.streamrec.model.ModelContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The fetch rules on their own, on a scratch file tree and a local HTTP server: names, roots, links, schemes, hosts, caps, deadline, signatures. */
@Timeout(60)
class ArtifactFetcherTest {

    @TempDir
    Path base;
    Path root;
    Path cache;
    ArtifactPolicy policy;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(base.resolve("root"));
        cache = base.resolve("cache");
        policy = ArtifactPolicy.localOnly(List.of(root), cache).withRemote(Set.of("file", "http"), Set.of("127.0.0.1"))
                .withLimits(1_000, Duration.ofSeconds(2));
    }

    private static Path artifact(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(ModelContract.MANIFEST_FILE), "{\"version\":\"x\"}");
        Files.write(dir.resolve(ModelContract.MODEL_FILE), new byte[100]);
        return dir;
    }

    private static void assertRefused(Runnable call, Reason reason, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ModelRejectedException.class, e -> {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void shouldAcceptOnlySafeNamesAndVersions() {
        for (String ok : List.of("seqrec", "v1", "20261123T101500123Z", "a.b-c_d", "x".repeat(128))) {
            ArtifactPolicy.checkNames(ok, ok);
        }
        for (String bad : List.of("", ".", "..", "../x", "a/b", "/abs", "a\\b", ".hidden", "-rf", "x".repeat(129),
                "name\n", "nul\u0000")) {
            assertRefused(() -> ArtifactPolicy.checkNames(bad, "v1"), Reason.UNTRUSTED, "model name");
            assertRefused(() -> ArtifactPolicy.checkNames("seqrec", bad), Reason.UNTRUSTED, "version");
        }
    }

    @Test
    void shouldUseLocalArtifactsOnlyInsideTheRoots() throws IOException {
        Path inside = artifact(root.resolve("seqrec/v1"));
        Path outside = artifact(base.resolve("elsewhere/seqrec/v1"));
        ArtifactFetcher fetcher = new ArtifactFetcher(policy);

        assertThat(fetcher.fetch("seqrec", "v1", inside.toString(), null).directory()).isEqualTo(inside.toRealPath());
        assertThat(fetcher.fetch("seqrec", "v1", inside.toUri().toString(), null).downloaded()).isFalse();
        assertRefused(() -> fetcher.fetch("seqrec", "v1", outside.toString(), null), Reason.UNTRUSTED, "outside the artifact roots");
        assertRefused(() -> fetcher.fetch("seqrec", "v1", root + "/../elsewhere/seqrec/v1", null), Reason.UNTRUSTED,
                "outside the artifact roots");
        assertRefused(() -> fetcher.fetch("seqrec", "v1", "seqrec/v1", null), Reason.UNTRUSTED, "not an absolute path");
        assertRefused(() -> fetcher.fetch("seqrec", "v1", root.toString(), null), Reason.UNTRUSTED, "outside");
        assertRefused(() -> fetcher.fetch("seqrec", "v2", root.resolve("seqrec/v2").toString(), null), Reason.DOWNLOAD,
                "does not exist");

        // a link inside a root to a directory, or a model file, outside it
        Files.createSymbolicLink(root.resolve("seqrec/v3"), outside);
        assertRefused(() -> fetcher.fetch("seqrec", "v3", root.resolve("seqrec/v3").toString(), null), Reason.UNTRUSTED,
                "links to");
        Path v4 = Files.createDirectories(root.resolve("seqrec/v4"));
        Files.writeString(v4.resolve(ModelContract.MANIFEST_FILE), "{}");
        Files.createSymbolicLink(v4.resolve(ModelContract.MODEL_FILE), outside.resolve(ModelContract.MODEL_FILE));
        assertRefused(() -> fetcher.fetch("seqrec", "v4", v4.toString(), null), Reason.UNTRUSTED, "links outside");

        // local artifacts off
        ArtifactFetcher remoteOnly = new ArtifactFetcher(policy.withRemote(Set.of("https"), Set.of("127.0.0.1")));
        assertRefused(() -> remoteOnly.fetch("seqrec", "v1", inside.toString(), null), Reason.UNTRUSTED, "local artifacts are off");
    }

    @Test
    void shouldRefuseSchemesHostsAndCredentialsNotAllowed() {
        ArtifactFetcher fetcher = new ArtifactFetcher(policy);
        assertRefused(() -> fetcher.fetch("seqrec", "v1", "ftp://127.0.0.1/a", null), Reason.UNTRUSTED, "scheme 'ftp'");
        assertRefused(() -> fetcher.fetch("seqrec", "v1", "https://127.0.0.1/a", null), Reason.UNTRUSTED, "scheme 'https'");
        assertRefused(() -> fetcher.fetch("seqrec", "v1", "jar:file:/x.jar!/a", null), Reason.UNTRUSTED, "scheme 'jar'");
        assertRefused(() -> fetcher.fetch("seqrec", "v1", "http://example.com/a", null), Reason.UNTRUSTED, "host example.com");
        assertRefused(() -> fetcher.fetch("seqrec", "v1", "http://u:p@127.0.0.1/a", null), Reason.UNTRUSTED, "credentials");
        assertRefused(() -> fetcher.fetch("seqrec", "v1", "", null), Reason.UNTRUSTED, "no artifact uri");
        assertThat(cache).doesNotExist();
    }

    @Test
    void shouldCapDownloadsCutTricklingOnesAndLeaveNoPartialFiles() throws Exception {
        Path served = artifact(base.resolve("served/seqrec/v1"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            try (exchange) {
                if (path.startsWith("/slow/") && path.endsWith(ModelContract.MODEL_FILE)) {
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int i = 0; i < 100; i++) {
                            out.write(0);
                            out.flush();
                            Thread.sleep(200);
                        }
                    }
                    return;
                }
                boolean big = path.startsWith("/big/") && path.endsWith(ModelContract.MODEL_FILE);
                Path file = served.resolve(Path.of(path).getFileName().toString());
                if (!big && !Files.isRegularFile(file)) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                byte[] body = big ? new byte[5_000] : Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } catch (IOException | InterruptedException e) {
                // the client went away
            }
        });
        server.start();
        try {
            String host = "http://127.0.0.1:" + server.getAddress().getPort();
            ArtifactFetcher fetcher = new ArtifactFetcher(policy);

            // a good download lands in <cache>/<name>/<version>
            ArtifactFetcher.Fetched ok = fetcher.fetch("seqrec", "v1", host + "/ok/seqrec/v1", null);
            assertThat(ok.downloaded()).isTrue();
            assertThat(ok.directory()).isEqualTo(cache.toRealPath().resolve("seqrec/v1"));
            assertThat(ok.directory().resolve(ModelContract.MODEL_FILE)).hasSize(100);
            fetcher.discard(ok);
            assertThat(ok.directory()).doesNotExist();

            // over the cap (declared length), and past the deadline
            assertRefused(() -> fetcher.fetch("seqrec", "v2", host + "/big/seqrec/v1", null), Reason.DOWNLOAD,
                    "over the limit of");
            long start = System.nanoTime();
            assertRefused(() -> fetcher.fetch("seqrec", "v3", host + "/slow/seqrec/v1", null), Reason.DOWNLOAD,
                    "not finished within PT2S");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            try (var left = Files.walk(cache)) {
                assertThat(left.filter(Files::isRegularFile).toList()).as("files left in the cache").isEmpty();
            }

            // with a signing key, the signature file is fetched too, and its absence is a download failure
            KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            ArtifactFetcher signing = new ArtifactFetcher(policy.withSigningKey(keys.getPublic()));
            assertRefused(() -> signing.fetch("seqrec", "v4", host + "/ok/seqrec/v1", null), Reason.DOWNLOAD, "404");
            ManifestSignature.sign(served, keys.getPrivate());
            Path signed = signing.fetch("seqrec", "v4", host + "/ok/seqrec/v1", null).directory();
            assertThat(ManifestSignature.problem(signed, keys.getPublic())).isNull();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldSignAndVerifyManifestsWithEd25519AndEcKeysFromPem() throws Exception {
        Path dir = artifact(root.resolve("seqrec/v1"));
        for (String alg : List.of("Ed25519", "EC")) {
            KeyPair keys = KeyPairGenerator.getInstance(alg).generateKeyPair();
            KeyPair other = KeyPairGenerator.getInstance(alg).generateKeyPair();
            Path keyFile = Files.writeString(base.resolve(alg + ".pem"), ManifestSignature.pem(keys.getPrivate()));
            ManifestSignature.sign(dir, ManifestSignature.privateKey(keyFile.toString()));

            assertThat(ManifestSignature.problem(dir, ManifestSignature.publicKey(ManifestSignature.pem(keys.getPublic()))))
                    .as(alg).isNull();
            assertThat(ManifestSignature.problem(dir, other.getPublic())).as(alg).contains("does not match");
            Files.writeString(dir.resolve(ModelContract.MANIFEST_FILE), "{\"version\":\"y\"}");
            assertThat(ManifestSignature.problem(dir, keys.getPublic())).as(alg + " after the manifest changed")
                    .contains("does not match");
            Files.writeString(dir.resolve(ModelContract.MANIFEST_FILE), "{\"version\":\"x\"}");
        }
        Files.delete(dir.resolve(ManifestSignature.SIGNATURE_FILE));
        assertThat(ManifestSignature.problem(dir, KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic()))
                .contains("unsigned");
    }
}
