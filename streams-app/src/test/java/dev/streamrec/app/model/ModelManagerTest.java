package dev.streamrec.app.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;
import dev.streamrec.app.scoring.BatchScorer;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import dev.streamrec.app.scoring.ScoreRequest;
import dev.streamrec.app.scoring.ModelLease;
import dev.streamrec.app.scoring.ModelSource;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.onnx.ScoringMode;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.app.scoring.TrainedModels;
import dev.streamrec.app.topology.Candidate;
import dev.streamrec.app.topology.Ranking;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.SessionFactory;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hot-swap with real trainer-made artifacts: checks, refusals by reason, forward-only versions, leases, admin moves, downloads. */
@Timeout(120)
class ModelManagerTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path root;
    SimpleMeterRegistry registry;
    ScoringMetrics metrics;
    ModelManager manager;

    @BeforeEach
    void setUp() {
        registry = new SimpleMeterRegistry();
        metrics = new ScoringMetrics(registry);
        manager = manager(ModelSettings.defaults());
    }

    private ModelManager manager(ModelSettings settings) {
        ScoringSettings scoring = ScoringSettings.defaults().withBatching(16, Duration.ofMillis(5)).withWarmupRuns(1);
        ArtifactPolicy policy = ArtifactPolicy.localOnly(List.of(root), root.resolve("cache"))
                .withRemote(Set.of("file", "http"), Set.of("127.0.0.1"))
                .withLimits(64L << 20, Duration.ofSeconds(10));
        ModelLoader loader = new ModelLoader(new ArtifactFetcher(policy), scoring, new SessionFactory(scoring.session()),
                20, 50, Clock.systemUTC());
        return new ModelManager(loader, settings, metrics);
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private void announce(ModelPublished p) {
        manager.announce(p, System.nanoTime());
        manager.awaitIdle(WAIT);
    }

    private String serving() {
        return manager.current().map(LoadedModel::version).orElse(null);
    }

    @Test
    void shouldHoldPinnedVersionsForExperimentVariantsNextToTheFollowedOneAndReleaseThem() throws Exception {
        // given v1 serving, and a variant pinning v1 and one pinning v3, which is not announced yet
        announce(TrainedModels.announcement(TrainedModels.export(root, "v1", 1L)));
        manager.hold(Set.of("v1", "v3")).get();
        ModelSource pinnedV1 = manager.version("v1");
        ModelSource pinnedV3 = manager.version("v3");
        assertThat(manager.heldVersions()).containsExactly("v1");
        assertThat(pinnedV3.acquire()).as("v3 not announced: the variant ranks by the heuristic").isNull();

        // when v2 is announced, then v3 corrupted
        announce(TrainedModels.announcement(TrainedModels.export(root, "v2", 2L)));
        announce(TrainedModels.corrupted(root, "v3", 1L));

        // then the followed model moved to v2, the pinned v1 still serves, and v3 is refused, not held
        assertThat(serving()).isEqualTo("v2");
        try (ModelLease lease = pinnedV1.acquire()) {
            assertThat(lease.version()).isEqualTo("v1");
        }
        assertThat(manager.refused()).containsEntry("v3", Reason.CHECKSUM);
        assertThat(pinnedV3.acquire()).isNull();

        // when no variant pins v1 any more, with a call in flight
        ModelLease inFlight = pinnedV1.acquire();
        manager.hold(Set.of()).get();

        // then new calls get none, and the in-flight one finishes on an open session that closes after it
        assertThat(pinnedV1.acquire()).isNull();
        assertThat(manager.heldVersions()).isEmpty();
        assertThat(inFlight.session().isClosed()).isFalse();
        inFlight.close();
        assertThat(inFlight.session().isClosed()).isTrue();
    }

    @Test
    void shouldRefuseCorruptedAndWrongContractModelsByReasonAndKeepServingTheCurrentOne() {
        // given v1 serving
        announce(TrainedModels.announcement(TrainedModels.export(root, "v1", 1L)));
        assertThat(serving()).isEqualTo("v1");
        LoadedModel v1 = manager.current().orElseThrow();

        // when a corrupted file, a wrong contract version and a graph without the full-catalog outputs are announced
        announce(TrainedModels.corrupted(root, "v2", 1L));
        announce(TrainedModels.wrongContractVersion(root, "v3", 1L));
        announce(TrainedModels.withoutFullCatalogOutputs(root, "v4", 1L));
        // and a good file announced with a different sha256
        ModelArtifact v5 = TrainedModels.export(root, "v5", 1L);
        announce(TrainedModels.announcement(v5, "0".repeat(64)));

        // then each is refused with its reason, counted, and v1 keeps serving
        assertThat(manager.refused()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "v2", Reason.CHECKSUM, "v3", Reason.CONTRACT, "v4", Reason.CONTRACT, "v5", Reason.CHECKSUM));
        assertThat(metrics.loadFailures(Reason.CHECKSUM)).isEqualTo(2);
        assertThat(metrics.loadFailures(Reason.CONTRACT)).isEqualTo(2);
        assertThat(serving()).isEqualTo("v1");
        assertThat(v1.session().isClosed()).isFalse();
        assertThat(metrics.swaps()).isEqualTo(1);

        // when an older good version is announced late, then a newer good one
        announce(TrainedModels.announcement(TrainedModels.export(root, "v0", 1L)));
        assertThat(serving()).as("versions only move forward").isEqualTo("v1");
        announce(TrainedModels.announcement(TrainedModels.export(root, "v6", 2L)));

        // then v6 serves, v1's session is closed and only v6 is in the info gauge
        assertThat(serving()).isEqualTo("v6");
        assertThat(v1.session().isClosed()).isTrue();
        assertThat(registry.get(ScoringMetrics.MODEL_INFO).gauges()).singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("version")).isEqualTo("v6"));
        assertThat(registry.get(ScoringMetrics.SWAP_DURATION).timer().count()).isEqualTo(2);
        assertThat(manager.availableVersions()).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6");
    }

    @Test
    void shouldNeverFailConcurrentScoringDuringSwapsAndCloseEveryReplacedSession() throws Exception {
        // given three threads scoring batches non-stop through the manager
        BatchScorer scorer = new BatchScorer(manager, ScoringSettings.defaults().withBatching(16, Duration.ZERO), metrics);
        List<ScoreRequest> batch = requests(16);
        AtomicBoolean stop = new AtomicBoolean();
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicLong calls = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            Thread th = new Thread(() -> {
                String last = "";
                while (!stop.get()) {
                    try {
                        List<Ranking> out = scorer.rank(batch, id -> true);
                        String v = out.getFirst().modelVersion();
                        assertThat(out).allSatisfy(r -> assertThat(r.modelVersion()).isEqualTo(v));
                        if (!v.equals("heuristic")) {
                            assertThat(v).as("versions move forward in one thread").isGreaterThanOrEqualTo(last);
                            last = v;
                            assertThat(out).allSatisfy(r -> assertThat(r.items()).isNotEmpty());
                        }
                        seen.add(v);
                        calls.incrementAndGet();
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }

        // when four good versions are swapped in while they score
        List<LoadedModel> replaced = new ArrayList<>();
        for (int v = 1; v <= 4; v++) {
            manager.current().ifPresent(replaced::add);
            String version = "v" + v;
            announce(TrainedModels.announcement(TrainedModels.export(root, version, v % 2 + 1)));
            // the load is asynchronous: wait for the swap, then for calls that the new version serves
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!manager.current().map(m -> m.version().equals(version)).orElse(false) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long before = calls.get();
            while (calls.get() < before + 20 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
        }
        stop.set(true);
        for (Thread th : threads) {
            th.join();
        }

        // then no call failed, every version served, and every replaced session is closed
        assertThat(errors).isEmpty();
        assertThat(seen).contains("v1", "v2", "v3", "v4");
        assertThat(replaced).extracting(LoadedModel::version).containsExactly("v1", "v2", "v3");
        assertThat(replaced).allSatisfy(m -> {
            assertThat(m.references()).isZero();
            assertThat(m.session().isClosed()).isTrue();
        });
        assertThat(manager.current().orElseThrow().session().isClosed()).isFalse();
    }

    @Test
    void shouldPinAndRollBackOnlyToAnnouncedVersions() {
        // given v1 then v2 served, and v3 announced but failing
        announce(TrainedModels.announcement(TrainedModels.export(root, "v1", 1L)));
        announce(TrainedModels.announcement(TrainedModels.export(root, "v2", 2L)));

        // when pinning an unknown version
        ModelManager.AdminResult unknown = manager.pin("v9");

        // then it names the versions there are
        assertThat(unknown).isEqualTo(new ModelManager.AdminResult.UnknownVersion("v9", List.of("v1", "v2")));

        // when rolling back
        assertThat(manager.rollback()).isInstanceOf(ModelManager.AdminResult.Serving.class);
        assertThat(serving()).isEqualTo("v1");
        assertThat(manager.pinnedVersion()).isEqualTo("v1");

        // then a newer announcement is recorded but not loaded while pinned
        announce(TrainedModels.announcement(TrainedModels.export(root, "v3", 1L)));
        assertThat(serving()).isEqualTo("v1");
        assertThat(manager.rollback()).isInstanceOf(ModelManager.AdminResult.Impossible.class);

        // and unpinning moves to the newest version, skipping the withdrawn v2
        manager.unpin();
        assertThat(serving()).isEqualTo("v3");
        assertThat(manager.pin("v2")).isInstanceOf(ModelManager.AdminResult.Serving.class);
        assertThat(serving()).isEqualTo("v2");
    }

    @Test
    void shouldLoadTheNewestAnnouncementAtStartAndFallBackToOlderOnesWhenItFails() {
        // given what a fresh instance finds on model-updates: three good versions, the newest corrupted
        List<ModelPublished> onTopic = List.of(
                TrainedModels.announcement(TrainedModels.export(root, "v1", 1L)),
                TrainedModels.announcement(TrainedModels.export(root, "v2", 2L)),
                TrainedModels.corrupted(root, "v3", 1L));

        // when it catches up
        manager.catchUp(onTopic, System.nanoTime());
        manager.awaitIdle(WAIT);

        // then it serves the newest good one, having loaded nothing older
        assertThat(serving()).isEqualTo("v2");
        assertThat(metrics.swaps()).isEqualTo(1);
        assertThat(metrics.loadFailures(Reason.CHECKSUM)).isEqualTo(1);
    }

    @Test
    void shouldDownloadHttpArtifactsIntoTheCacheAndCountFailedDownloads() throws IOException {
        // given an HTTP server in front of the artifact root
        ModelArtifact v1 = TrainedModels.export(root, "v1", 1L);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Path file = root.resolve(exchange.getRequestURI().getPath().substring(1));
            if (Files.isRegularFile(file)) {
                byte[] body = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/seqrec/";

            // when v1 is announced by URL, and v2 by a URL that does not exist
            ModelPublished byUrl = TrainedModels.announcement(v1);
            byUrl.setUri(base + "v1");
            announce(byUrl);
            ModelPublished missing = TrainedModels.announcement(TrainedModels.export(root.resolve("elsewhere"), "v2", 1L));
            missing.setUri(base + "v2");
            announce(missing);

            // then v1 serves from the cache directory, and v2 is a DOWNLOAD failure
            assertThat(serving()).isEqualTo("v1");
            assertThat(manager.current().orElseThrow().session().artifact().directory())
                    .startsWith(root.resolve("cache"));
            assertThat(metrics.loadFailures(Reason.DOWNLOAD)).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldKeepThePinWithdrawalsAndRefusalsAcrossARestartAndFetchARefusedVersionOnlyWhenRetried() {
        // given v1, v2 served, v3 refused (corrupted file), then a rollback: v1 pinned, v2 withdrawn
        ModelSettings settings = ModelSettings.defaults().withStateFile(root.resolve("state/model-state.json"));
        manager.close();
        manager = manager(settings);
        List<ModelPublished> onTopic = List.of(TrainedModels.announcement(TrainedModels.export(root, "v1", 1L)),
                TrainedModels.announcement(TrainedModels.export(root, "v2", 2L)), TrainedModels.corrupted(root, "v3", 1L));
        onTopic.forEach(this::announce);
        assertThat(manager.rollback()).isInstanceOf(ModelManager.AdminResult.Serving.class);
        assertThat(metrics.loadFailures(Reason.CHECKSUM)).isEqualTo(1);

        // when the instance restarts and finds the same announcements on model-updates
        manager.close();
        manager = manager(settings);
        manager.catchUp(onTopic, System.nanoTime());
        manager.awaitIdle(WAIT);

        // then it serves the pinned v1, without trying v3 again
        assertThat(serving()).isEqualTo("v1");
        assertThat(manager.pinnedVersion()).isEqualTo("v1");
        assertThat(manager.refused()).containsExactlyEntriesOf(Map.of("v3", Reason.CHECKSUM));
        assertThat(metrics.loadFailures(Reason.CHECKSUM)).as("no second fetch of v3").isEqualTo(1);

        // and following again skips both the withdrawn v2 and the refused v3
        manager.unpin();
        assertThat(serving()).isEqualTo("v1");
        assertThat(manager.pin("v3")).isInstanceOfSatisfying(ModelManager.AdminResult.Refused.class,
                r -> assertThat(r.message()).contains("/models/retry/v3"));
        assertThat(metrics.loadFailures(Reason.CHECKSUM)).isEqualTo(1);

        // when an admin retries v3: refused again while the file is bad, loaded once it is fixed
        assertThat(manager.retry("v3")).isInstanceOf(ModelManager.AdminResult.Refused.class);
        assertThat(metrics.loadFailures(Reason.CHECKSUM)).isEqualTo(2);
        TrainedModels.export(root, "v3", 1L);
        assertThat(manager.retry("v3")).isInstanceOf(ModelManager.AdminResult.Serving.class);
        assertThat(serving()).isEqualTo("v3");
        assertThat(manager.refused()).isEmpty();
        assertThat(manager.retry("v9")).isInstanceOf(ModelManager.AdminResult.UnknownVersion.class);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(ScoringMode.class)
    void shouldRankNonFiniteListsByTheHeuristicAndWithdrawTheModelAtTheThreshold(ScoringMode mode) {
        // given v1 serving, then v2: NaN for every user with one of some items in the history
        manager.close();
        manager = manager(ModelSettings.defaults().withNonFiniteThreshold(3));
        announce(TrainedModels.announcement(TrainedModels.export(root, "v1", 1L)));
        List<ScoreRequest> requests = requests(16);
        List<String> golden = TrainedModels.goldenItems(root.resolve("probe"), 1L);
        Set<String> poisoned = new java.util.HashSet<>();
        for (ScoreRequest r : requests.subList(0, 4)) { // users 0-3 (the simulator's histories do not overlap)
            for (HistoryEvent e : r.history().events()) {
                if (!golden.contains(e.itemId())) {
                    poisoned.add(e.itemId());
                }
            }
        }
        announce(TrainedModels.nanForHistoriesWith(root, "v2", 1L, poisoned));
        assertThat(serving()).as("it passes the load checks").isEqualTo("v2");

        // when a batch is scored
        BatchScorer scorer = new BatchScorer(manager, ScoringSettings.defaults().withMode(mode)
                .withBatching(16, Duration.ZERO), metrics);
        List<Ranking> out = scorer.rank(requests, id -> true);

        // then those users' lists come from the heuristic, the others' from v2, and no score is non-finite
        int broken = 0;
        for (int u = 0; u < requests.size(); u++) {
            boolean hit = requests.get(u).history().events().stream().anyMatch(e -> poisoned.contains(e.itemId()));
            broken += hit ? 1 : 0;
            assertThat(out.get(u).modelVersion()).as("user %d", u).isEqualTo(hit ? "heuristic" : "v2");
            assertThat(out.get(u).items()).allSatisfy(i -> assertThat(Double.isFinite(i.score())).isTrue());
        }
        assertThat(broken).isBetween(3, 15);
        assertThat(metrics.nonFiniteFallbacks()).isEqualTo(broken);

        // and, past the threshold, v2 is withdrawn and v1 serves again; v2 is not loaded again
        manager.awaitIdle(WAIT);
        assertThat(serving()).isEqualTo("v1");
        assertThat(metrics.unhealthyModels()).isEqualTo(1);
        announce(TrainedModels.announcement(ModelArtifact.load(root.resolve("seqrec/v2"))));
        assertThat(serving()).isEqualTo("v1");
    }

    /** Users' requests with histories and candidates from the simulator's items. */
    static List<ScoreRequest> requests(int n) {
        List<ScoreRequest> out = new ArrayList<>();
        for (int u = 0; u < n; u++) {
            List<HistoryEvent> h = new ArrayList<>();
            for (int j = 0; j < 5; j++) {
                h.add(new HistoryEvent(ShopperSimulator.itemId((u * 7 + j) % TrainedModels.ITEMS), EventType.VIEW,
                        TrainedModels.START + j * 1000L));
            }
            List<Candidate> cands = new ArrayList<>();
            for (int c = 0; c < 20; c++) {
                cands.add(new Candidate(ShopperSimulator.itemId((u + c * 3) % TrainedModels.ITEMS), 1.0 / (c + 1),
                        "trending"));
            }
            out.add(new ScoreRequest(ShopperSimulator.userId(u), h, cands, Collections.emptySet(), 10,
                    TrainedModels.START + 10_000L));
        }
        return out;
    }
}
