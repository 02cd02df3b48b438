package dev.streamrec.app.model;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;

import dev.streamrec.app.scoring.ModelRejectedException;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.model.ManifestSignature;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.ModelLoadException;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything between an announcement and a model fit to serve, in order, each failure with its
 * {@link Reason}:
 * <ol>
 *   <li>name and version pattern, artifact roots, scheme and host ({@link ArtifactPolicy}; UNTRUSTED);</li>
 *   <li>fetch the artifact ({@link ArtifactFetcher}; DOWNLOAD);</li>
 *   <li>when a signing key is configured, the manifest's detached signature ({@link ManifestSignature}; SIGNATURE);</li>
 *   <li>{@link ModelArtifact#load}: both files present (DOWNLOAD), manifest readable, contract
 *       version and declared signature (CONTRACT), the model file's sha256 against the manifest
 *       (CHECKSUM); then the announced sha256 against the manifest's, so the file matches the
 *       announcement (CHECKSUM), and the announced name and version against the manifest's (CONTRACT);</li>
 *   <li>open it in ONNX Runtime with the app's {@link SessionFactory} (LOAD) and compare the graph's
 *       inputs and outputs with the contract (CONTRACT);</li>
 *   <li>replay the golden input: same top items, finite scores, right shapes (GOLDEN);</li>
 *   <li>warm up at batch 1 and at the configured batch size (LOAD).</li>
 * </ol>
 * The ONNX layer's {@link ModelLoadException.Reason} says which check failed; {@link ModelRejectedException.Reason#of}
 * turns it into the metric's label. Runs on the caller's thread: the manager calls it on its own loader thread,
 * never on a stream thread. A downloaded artifact that fails a later check is deleted from the cache.
 */
public final class ModelLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final ArtifactFetcher fetcher;
    private final ScoringSettings scoring;
    private final SessionFactory sessions;
    private final int warmupK;
    private final int historyEvents;
    private final Clock clock;

    /**
     * @param sessions      the process's session factory (it owns the device choice)
     * @param warmupK       the k full-catalog calls will ask for (twice the recommendation list length)
     * @param historyEvents events the app keeps per user ({@code streamrec.history.max-events}): a model that reads
     *                      more is served, with a warning ({@link #historyShortfall})
     */
    public ModelLoader(ArtifactFetcher fetcher, ScoringSettings scoring, SessionFactory sessions, int warmupK,
                       int historyEvents, Clock clock) {
        this.fetcher = fetcher;
        this.scoring = scoring;
        this.sessions = sessions;
        this.warmupK = warmupK;
        this.historyEvents = historyEvents;
        this.clock = clock;
    }

    public LoadedModel load(ModelPublished p) {
        ArtifactFetcher.Fetched fetched = fetcher.fetch(p.getName(), p.getVersion(), p.getUri(), p.getSha256());
        try {
            return open(fetched.directory(), p);
        } catch (RuntimeException e) {
            fetcher.discard(fetched);
            throw e;
        }
    }

    private LoadedModel open(Path dir, ModelPublished p) {
        PublicKey key = fetcher.policy().signingKey();
        if (key != null) {
            String problem = ManifestSignature.problem(dir, key);
            if (problem != null) {
                throw new ModelRejectedException(Reason.SIGNATURE, "model " + p.getName() + " " + p.getVersion()
                        + " refused: " + problem + " (streamrec.models.signing-public-key is set)");
            }
        }
        ModelArtifact artifact = verify(dir, p);
        RecommenderSession session;
        try {
            session = sessions.open(artifact);
        } catch (ModelLoadException e) {
            throw ModelRejectedException.of("", e);
        }
        try {
            if (scoring.verifyGolden()) {
                session.verifyGolden();
            }
            session.warmUp(scoring.mode(), 1, warmupK, scoring.warmupRuns());
            session.warmUp(scoring.mode(), scoring.batchSize(), warmupK, scoring.warmupRuns());
        } catch (RuntimeException e) {
            session.close();
            throw e instanceof ModelLoadException m ? ModelRejectedException.of("", m) : e;
        }
        String shortfall = historyShortfall(p.getName(), p.getVersion(), session.maxHistory(), historyEvents);
        if (shortfall != null) {
            LOG.warn(shortfall);
        }
        return new LoadedModel(p, session, clock.instant());
    }

    /**
     * The warning for a model that reads more of a user's history than the app keeps, or null. Such a model is
     * served (it scores the events there are), but below the quality it was evaluated at: the trainer's evaluation
     * gives it each user's whole history (e.g. {@code trainer --ease-dense} reads up to 200 events, the app keeps 50
     * by default).
     */
    static String historyShortfall(String name, String version, int modelReads, int appKeeps) {
        if (modelReads <= appKeeps) {
            return null;
        }
        return "model " + name + " version " + version + " reads up to " + modelReads + " events of a user's history, "
                + "this app keeps " + appKeeps + " (streamrec.history.max-events): it is served on those, below the "
                + "quality it was evaluated at; set streamrec.history.max-events to " + modelReads + " to serve it as measured";
    }

    static ModelArtifact verify(Path dir, ModelPublished p) {
        ModelArtifact artifact;
        try {
            artifact = ModelArtifact.load(dir);
        } catch (ModelLoadException e) {
            throw ModelRejectedException.of("model " + p.getName() + " " + p.getVersion() + " refused: ", e);
        }
        ModelManifest m = artifact.manifest();
        if (m.sha256() == null || !m.sha256().equalsIgnoreCase(p.getSha256())) {
            throw new ModelRejectedException(Reason.CHECKSUM, "checksum mismatch for model " + p.getName() + " "
                    + p.getVersion() + ": announced " + p.getSha256() + ", " + artifact.modelFile() + " is " + m.sha256());
        }
        if (!p.getVersion().equals(m.version()) || !p.getName().equals(m.name())) {
            throw new ModelRejectedException(Reason.CONTRACT, "announced model " + p.getName() + " " + p.getVersion()
                    + " but the manifest in " + dir + " says " + m.name() + " " + m.version());
        }
        return artifact;
    }
}
