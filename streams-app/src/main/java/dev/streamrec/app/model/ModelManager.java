package dev.streamrec.app.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import dev.streamrec.app.scoring.ModelLease;
import dev.streamrec.app.scoring.ModelRejectedException;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import dev.streamrec.app.scoring.ModelSource;
import dev.streamrec.app.scoring.ScoringMetrics;
import dev.streamrec.avro.ModelPublished;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot-swap: holds the serving model in an atomic reference and replaces it, off the processing
 * threads, when a newer version is announced.
 *
 * <p>All loads and swaps run one at a time on one loader thread ({@code streamrec-model-loader}):
 * announcements from {@link ModelUpdatesFollower} and admin calls are queued there, so they never
 * race. A swap loads and checks the new model completely ({@link ModelLoader}), then sets the
 * reference, then retires the old model, whose session closes when its last lease (an in-flight
 * scoring call) is returned. A model that fails any check is counted by reason, logged in one line,
 * and the current one keeps serving.
 *
 * <p>Versions only move forward: an announcement whose version (sortable text) is not above the
 * serving one is recorded but not loaded. A refused announcement is never fetched again, not even
 * after a restart, unless an admin asks for it ({@link #retry}) or the same version is announced
 * with another name, uri or checksum. Admins can move backwards: {@link #pin} serves a given
 * announced version and stops following; {@link #rollback} goes back to the version served before
 * this one, pins it and withdraws the one it left (it is not loaded again automatically);
 * {@link #unpin} resumes following and moves to the newest acceptable version.
 *
 * <p>A serving model whose scores come out non-finite for {@link ModelSettings#nonFiniteThreshold}
 * lists ({@link #nonFinite}, reported by the scorer, which ranks those lists by the heuristic) is
 * withdrawn as unhealthy: the version served before it takes over, else the heuristic.
 *
 * <p>The pin, the withdrawn versions and the refusals are kept in {@link ModelSettings#stateFile}
 * ({@link ModelStateFile}), so a restart honours them.
 */
public final class ModelManager implements ModelSource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);
    /** Refusals remembered (the lowest versions are forgotten first). */
    static final int MAX_REFUSALS_KEPT = 1000;

    private final ModelLoader loader;
    private final ModelSettings settings;
    private final ScoringMetrics metrics;
    private final ExecutorService executor;
    private final AtomicReference<LoadedModel> current = new AtomicReference<>();
    private final ModelStateFile stateFile;

    /** Announcements seen, by version (newest last). */
    private final NavigableMap<String, ModelPublished> known = new ConcurrentSkipListMap<>();
    /** Announcements refused, by version, with why. */
    private final Map<String, ModelStateFile.Refusal> rejected = new ConcurrentHashMap<>();
    /** Versions an admin rolled back from, or withdrawn as unhealthy: never loaded again by following. */
    private final Set<String> withdrawn = ConcurrentHashMap.newKeySet();
    /** Versions this instance served, in order (loader thread only). */
    private final List<ModelPublished> served = new ArrayList<>();
    /** Lists with non-finite scores, per version. */
    private final Map<String, AtomicLong> nonFinite = new ConcurrentHashMap<>();
    private volatile String pinned;
    /**
     * Versions experiment variants pin ({@link #hold}), each with its own loaded model (or none yet:
     * not announced, or refused), kept next to the followed one and loaded with the same checks.
     */
    private final Map<String, AtomicReference<LoadedModel>> held = new ConcurrentHashMap<>();

    public ModelManager(ModelLoader loader, ModelSettings settings, ScoringMetrics metrics) {
        this.loader = loader;
        this.settings = settings;
        this.metrics = metrics;
        this.stateFile = new ModelStateFile(settings.stateFile());
        ModelStateFile.State state = stateFile.load();
        this.pinned = state.pinned();
        this.withdrawn.addAll(state.withdrawn());
        this.rejected.putAll(state.refused());
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "streamrec-model-loader");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- scoring side -------------------------------------------------------------------------

    @Override
    public ModelLease acquire() {
        for (;;) {
            LoadedModel m = current.get();
            if (m == null) {
                return null;
            }
            ModelLease lease = m.tryLease();
            if (lease != null) {
                return lease;
            }
            // closed between the read and the lease: a newer model is in the reference by now
        }
    }

    /** Counts lists with non-finite scores; at the threshold, withdraws the version (on the loader thread). */
    @Override
    public void nonFinite(String version, int lists) {
        int threshold = settings.nonFiniteThreshold();
        long before = nonFinite.computeIfAbsent(version, v -> new AtomicLong()).getAndAdd(lists);
        if (threshold > 0 && before < threshold && before + lists >= threshold) {
            executor.submit(() -> withdrawUnhealthy(version, before + lists));
        }
    }

    /** The serving model, if any (a snapshot: it may be retired right after). */
    public Optional<LoadedModel> current() {
        return Optional.ofNullable(current.get());
    }

    // ---- following ----------------------------------------------------------------------------

    /**
     * A new record on model-updates. Queued; loads (if newer) on the loader thread.
     *
     * @param receivedNanos {@link System#nanoTime()} when the record arrived (swap duration starts there)
     */
    public Future<?> announce(ModelPublished p, long receivedNanos) {
        return executor.submit(() -> onAnnouncement(p, receivedNanos));
    }

    /**
     * Everything on model-updates when the instance starts: records them all, then serves the pinned
     * version if there is one, else loads the newest acceptable version, trying older ones (up to
     * three) if it fails, so a fresh instance serves the latest good model.
     */
    public Future<?> catchUp(Collection<ModelPublished> records, long receivedNanos) {
        return executor.submit(() -> {
            List<String> refusedBefore = new ArrayList<>();
            for (ModelPublished p : records) {
                if (!settings.accepts(p.getName())) {
                    continue;
                }
                if (refusedBefore(p)) {
                    refusedBefore.add(ArtifactPolicy.printable(p.getName() + " " + p.getVersion()));
                }
                if (admissible(p)) {
                    known.put(p.getVersion(), p);
                }
            }
            known.values().forEach(this::loadHeld);
            if (!refusedBefore.isEmpty()) {
                LOG.info("not fetching {} announcement(s) refused before ({}): {}; POST /models/retry/{{version}} fetches one again",
                        refusedBefore.size(), settings.stateFile(), refusedBefore);
            }
            if (pinned != null) {
                ModelPublished p = known.get(pinned);
                if (p != null && !refusedBefore(p) && swapTo(p, receivedNanos, true)) {
                    LOG.info("pinned to model version {} (from {})", pinned, settings.stateFile());
                    return;
                }
                LOG.warn("pinned model version {} is {}; following model-updates instead", pinned,
                        p == null ? "no longer on model-updates" : "refused");
                pinned = null;
                save();
            }
            int tries = 0;
            for (ModelPublished p : known.descendingMap().values()) {
                if (!eligible(p)) {
                    continue;
                }
                if (swapTo(p, receivedNanos, true) || ++tries == 3) {
                    break;
                }
            }
        });
    }

    private void onAnnouncement(ModelPublished p, long receivedNanos) {
        if (!settings.accepts(p.getName())) {
            LOG.debug("ignoring model {} {}: following only '{}'", ArtifactPolicy.printable(p.getName()),
                    ArtifactPolicy.printable(p.getVersion()), settings.name());
            return;
        }
        if (refusedBefore(p)) {
            LOG.info("ignoring model {} version {}: refused before ({})", ArtifactPolicy.printable(p.getName()),
                    ArtifactPolicy.printable(p.getVersion()), rejected.get(p.getVersion()).reason());
            return;
        }
        if (!admissible(p)) {
            return;
        }
        known.put(p.getVersion(), p);
        loadHeld(p);
        if (pinned != null) {
            LOG.info("model {} version {} announced; pinned to {}, so not loading it", p.getName(), p.getVersion(), pinned);
            return;
        }
        LoadedModel cur = current.get();
        if (cur != null && p.getVersion().compareTo(cur.version()) <= 0) {
            LOG.info("ignoring model {} version {}: not newer than the serving version {}", p.getName(), p.getVersion(),
                    cur.version());
            return;
        }
        if (!eligible(p)) {
            LOG.info("ignoring model {} version {}: rolled back from or withdrawn", p.getName(), p.getVersion());
            return;
        }
        swapTo(p, receivedNanos, true);
    }

    /** Name and version are safe to use ({@link ArtifactPolicy#NAME}); refuses (once) those that are not. */
    private boolean admissible(ModelPublished p) {
        try {
            ArtifactPolicy.checkNames(p.getName(), p.getVersion());
            return true;
        } catch (ModelRejectedException e) {
            if (!refusedBefore(p)) {
                refuse(p, e.reason(), e);
            }
            return false;
        }
    }

    /** Refused before, and announced again with the same name, uri and checksum. */
    private boolean refusedBefore(ModelPublished p) {
        ModelStateFile.Refusal r = p.getVersion() == null ? null : rejected.get(p.getVersion());
        return r != null && Objects.equals(r.name(), p.getName()) && Objects.equals(r.uri(), p.getUri())
                && Objects.equals(r.sha256(), p.getSha256());
    }

    /** Newer than the serving version, not refused before, not withdrawn. */
    private boolean eligible(ModelPublished p) {
        LoadedModel cur = current.get();
        if (cur != null && p.getVersion().compareTo(cur.version()) <= 0) {
            return false;
        }
        return !refusedBefore(p) && !withdrawn.contains(p.getVersion());
    }

    /** Loads, checks and swaps in {@code p} (loader thread). False, counted and logged, when refused. */
    private boolean swapTo(ModelPublished p, long startNanos, boolean record) {
        LoadedModel next;
        try {
            next = loader.load(p);
        } catch (ModelRejectedException e) {
            refuse(p, e.reason(), e);
            return false;
        } catch (RuntimeException e) {
            refuse(p, Reason.LOAD, e);
            return false;
        }
        LoadedModel old = current.getAndSet(next);
        if (record) {
            served.add(p);
        }
        if (rejected.remove(p.getVersion()) != null) {
            save();
        }
        long took = System.nanoTime() - startNanos;
        metrics.serving(next.name(), next.version());
        metrics.device(next.session().device());
        metrics.swapped(took);
        LOG.info("now serving model {} version {} on {} ({} ms after the announcement; previous: {})", next.name(),
                next.version(), next.session().device(), Duration.ofNanos(took).toMillis(),
                old == null ? "none" : old.version());
        if (old != null) {
            old.retire();
        }
        return true;
    }

    /** Records, persists, counts and logs (one line; the stack trace only for unexpected errors, at debug) a refusal. */
    private void refuse(ModelPublished p, Reason reason, RuntimeException e) {
        rejected.put(String.valueOf(p.getVersion()), new ModelStateFile.Refusal(p.getName(), p.getUri(), p.getSha256(),
                reason, e.getMessage()));
        while (rejected.size() > MAX_REFUSALS_KEPT) { // a flood of bogus versions must not grow the state file forever
            rejected.keySet().stream().min(String::compareTo).ifPresent(rejected::remove);
        }
        save();
        metrics.loadFailed(reason);
        LoadedModel cur = current.get();
        LOG.warn("refused model {} version {} from {} ({}): {}; still serving {}; not fetched again unless retried",
                ArtifactPolicy.printable(p.getName()), ArtifactPolicy.printable(p.getVersion()),
                ArtifactPolicy.printable(p.getUri()), reason, e.getMessage(),
                cur == null ? "the heuristic (no model yet)" : "version " + cur.version());
        if (!(e instanceof ModelRejectedException)) {
            LOG.debug("unexpected error loading model version {}", ArtifactPolicy.printable(p.getVersion()), e);
        }
    }

    /** Withdraws the serving {@code version} after non-finite scores: the version served before it takes over, else the heuristic. */
    private void withdrawUnhealthy(String version, long lists) {
        LoadedModel cur = current.get();
        if (cur == null || !cur.version().equals(version)) {
            return;
        }
        withdrawn.add(version);
        if (version.equals(pinned)) {
            pinned = null;
        }
        save();
        metrics.unhealthy();
        served.removeIf(p -> p.getVersion().equals(version));
        for (int i = served.size() - 1; i >= 0; i--) {
            ModelPublished previous = served.get(i);
            if (!withdrawn.contains(previous.getVersion()) && !refusedBefore(previous)
                    && swapTo(previous, System.nanoTime(), false)) {
                LOG.warn("model {} version {} withdrawn as unhealthy: {} list(s) with non-finite scores (threshold {}, "
                        + "streamrec.models.nonfinite-threshold); serving version {} again", cur.name(), version, lists,
                        settings.nonFiniteThreshold(), previous.getVersion());
                return;
            }
        }
        LoadedModel old = current.getAndSet(null);
        if (old != null) {
            old.retire();
        }
        metrics.serving(null, null);
        LOG.warn("model {} version {} withdrawn as unhealthy: {} list(s) with non-finite scores (threshold {}, "
                + "streamrec.models.nonfinite-threshold); no earlier model, the heuristic ranks", cur.name(), version,
                lists, settings.nonFiniteThreshold());
    }

    private void save() {
        stateFile.save(new ModelStateFile.State(pinned, withdrawn, rejected));
    }

    // ---- versions held for experiment variants ---------------------------------------------------

    /**
     * A source that serves exactly {@code version} (an experiment variant's pinned model), or no
     * model ({@code null} leases: the caller ranks by the heuristic) while that version is not
     * announced, is refused, or is no longer {@link #hold held}. Leases and retirement work as for
     * the followed model, so releasing a version never breaks an in-flight call.
     */
    public ModelSource version(String version) {
        return () -> {
            AtomicReference<LoadedModel> ref = held.get(version);
            if (ref == null) {
                return null;
            }
            for (;;) {
                LoadedModel m = ref.get();
                if (m == null) {
                    return null;
                }
                ModelLease lease = m.tryLease();
                if (lease != null) {
                    return lease;
                }
            }
        };
    }

    /**
     * The versions live experiment variants pin: loads those announced and not loaded yet (same
     * checks as a swap; a refusal is recorded as for any version), retires those no longer wanted.
     * Queued on the loader thread, so it never races a swap.
     */
    public Future<?> hold(Set<String> versions) {
        return executor.submit(() -> {
            for (String v : versions) {
                held.computeIfAbsent(v, x -> new AtomicReference<>());
                ModelPublished p = known.get(v);
                if (p != null) {
                    loadHeld(p);
                } else {
                    LOG.info("experiment variant pins model version {}: not announced yet; the heuristic ranks it meanwhile",
                            ArtifactPolicy.printable(v));
                }
            }
            for (String v : List.copyOf(held.keySet())) {
                if (!versions.contains(v)) {
                    LoadedModel old = held.remove(v).getAndSet(null);
                    if (old != null) {
                        old.retire();
                        LOG.info("model version {} released: no live experiment variant pins it", v);
                    }
                }
            }
        });
    }

    /** Versions loaded for experiment variants now. */
    public Set<String> heldVersions() {
        Set<String> out = new java.util.TreeSet<>();
        held.forEach((v, ref) -> {
            if (ref.get() != null) {
                out.add(v);
            }
        });
        return out;
    }

    /** Loads {@code p} for the variants that pin it, once (loader thread). */
    private void loadHeld(ModelPublished p) {
        AtomicReference<LoadedModel> ref = held.get(p.getVersion());
        if (ref == null || ref.get() != null || refusedBefore(p)) {
            return;
        }
        try {
            LoadedModel m = loader.load(p);
            ref.set(m);
            LOG.info("loaded model {} version {} on {} for the experiment variants that pin it", m.name(), m.version(),
                    m.session().device());
        } catch (ModelRejectedException e) {
            refuse(p, e.reason(), e);
        } catch (RuntimeException e) {
            refuse(p, Reason.LOAD, e);
        }
    }

    // ---- admin ----------------------------------------------------------------------------------

    /** What an admin call did. */
    public sealed interface AdminResult {
        /** Now serving this version. */
        record Serving(ModelStatus status) implements AdminResult {
        }

        /** No such version was announced; these were. */
        record UnknownVersion(String version, List<String> available) implements AdminResult {
        }

        /** Nothing to do it with (e.g. no earlier version to roll back to). */
        record Impossible(String message) implements AdminResult {
        }

        /** The version was refused while loading (now or before); the previous model serves. */
        record Refused(String version, Reason reason, String message) implements AdminResult {
        }
    }

    /**
     * Serves {@code version} (announced on model-updates) and stops following newer ones until
     * {@link #unpin}. A version refused before is not fetched again: {@link #retry} it first.
     */
    public AdminResult pin(String version) {
        return onLoader(() -> {
            ModelPublished p = known.get(version);
            if (p == null) {
                return new AdminResult.UnknownVersion(version, availableVersions());
            }
            if (refusedBefore(p)) {
                ModelStateFile.Refusal r = rejected.get(version);
                return new AdminResult.Refused(version, r.reason(), "model version " + version + " was refused before ("
                        + r.reason() + ": " + r.message() + "); POST /models/retry/" + version + " fetches it again");
            }
            LoadedModel cur = current.get();
            if (cur == null || !cur.version().equals(version)) {
                AdminResult failed = adminSwap(p, true);
                if (failed != null) {
                    return failed;
                }
            }
            pinned = version;
            withdrawn.remove(version);
            save();
            LOG.info("pinned to model version {}", version);
            return new AdminResult.Serving(status().orElseThrow());
        });
    }

    /** Goes back to the version served before the current one, pins it, and withdraws the current one. */
    public AdminResult rollback() {
        return onLoader(() -> {
            LoadedModel cur = current.get();
            if (cur == null || served.size() < 2) {
                return new AdminResult.Impossible("no earlier model to roll back to: this instance served "
                        + served.stream().map(ModelPublished::getVersion).toList());
            }
            ModelPublished previous = served.get(served.size() - 2);
            AdminResult failed = adminSwap(previous, false);
            if (failed != null) {
                return failed;
            }
            served.removeLast();
            withdrawn.add(cur.version());
            pinned = previous.getVersion();
            save();
            LOG.info("rolled back from model version {} to {} (pinned)", cur.version(), previous.getVersion());
            return new AdminResult.Serving(status().orElseThrow());
        });
    }

    /** Resumes following: moves to the newest announced version that is newer, not refused and not withdrawn. */
    public AdminResult unpin() {
        return onLoader(() -> {
            pinned = null;
            save();
            for (ModelPublished p : known.descendingMap().values()) {
                if (eligible(p)) {
                    swapTo(p, System.nanoTime(), true);
                    break;
                }
            }
            return status().<AdminResult>map(AdminResult.Serving::new)
                    .orElse(new AdminResult.Impossible("no model loaded yet"));
        });
    }

    /**
     * Forgets that {@code version} was refused and, when following would load it (not pinned, newer
     * than the serving version, not withdrawn), fetches and loads it now.
     */
    public AdminResult retry(String version) {
        return onLoader(() -> {
            ModelPublished p = known.get(version);
            if (p == null) {
                return new AdminResult.UnknownVersion(version, availableVersions());
            }
            if (rejected.remove(version) != null) {
                save();
                LOG.info("refusal of model version {} cleared by an admin", version);
            }
            if (pinned != null) {
                return new AdminResult.Impossible("refusal of " + version + " cleared; pinned to " + pinned
                        + ", so not loading it: pin it to serve it");
            }
            if (!eligible(p)) {
                return new AdminResult.Impossible("refusal of " + version + " cleared; not loading it: it is not newer "
                        + "than the serving version, or was withdrawn: pin it to serve it");
            }
            AdminResult failed = adminSwap(p, true);
            return failed != null ? failed : new AdminResult.Serving(status().orElseThrow());
        });
    }

    private AdminResult adminSwap(ModelPublished p, boolean record) {
        if (swapTo(p, System.nanoTime(), record)) {
            return null;
        }
        ModelStateFile.Refusal r = rejected.get(p.getVersion());
        Reason reason = r == null ? Reason.LOAD : r.reason();
        return new AdminResult.Refused(p.getVersion(), reason, "model " + p.getName() + " version " + p.getVersion()
                + " was refused (" + reason + ")" + (r == null ? "" : ": " + r.message()));
    }

    private AdminResult onLoader(Callable<AdminResult> task) {
        Future<AdminResult> f = executor.submit(task);
        try {
            return f.get(settings.adminTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new AdminResult.Impossible("the model loader is still busy after " + settings.adminTimeout()
                    + "; the request stays queued");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new AdminResult.Impossible("interrupted while waiting for the model loader");
        } catch (ExecutionException e) {
            throw new IllegalStateException("admin model operation failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    // ---- views ----------------------------------------------------------------------------------

    /** What {@code GET /models/current} shows. */
    public record ModelStatus(String name, String version, String device, Instant loadedAt, Map<String, Double> metrics,
                              String uri, String pinned, List<String> available) {
    }

    public Optional<ModelStatus> status() {
        LoadedModel m = current.get();
        if (m == null) {
            return Optional.empty();
        }
        return Optional.of(new ModelStatus(m.name(), m.version(), m.session().device(), m.loadedAt(),
                Map.copyOf(m.announcement().getMetrics()), m.announcement().getUri(), pinned, availableVersions()));
    }

    /** Versions announced on model-updates (oldest first), whether they loaded or not. */
    public List<String> availableVersions() {
        return List.copyOf(known.keySet());
    }

    /** Versions refused so far (including before a restart), with why. */
    public Map<String, Reason> refused() {
        Map<String, Reason> out = new java.util.TreeMap<>();
        rejected.forEach((v, r) -> out.put(v, r.reason()));
        return out;
    }

    public String pinnedVersion() {
        return pinned;
    }

    /** Waits until every queued announcement and admin call has been handled (tests, shutdown). */
    public void awaitIdle(Duration timeout) {
        try {
            executor.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("model loader not idle after " + timeout, e);
        }
    }

    /** Stops loading and retires the serving model (its session closes after in-flight calls). */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LoadedModel m = current.getAndSet(null);
        if (m != null) {
            m.retire();
        }
        held.values().forEach(ref -> {
            LoadedModel h = ref.getAndSet(null);
            if (h != null) {
                h.retire();
            }
        });
        metrics.serving(null, null);
    }
}
