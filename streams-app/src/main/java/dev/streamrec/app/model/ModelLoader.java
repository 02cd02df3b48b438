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

    private final ArtifactFetcher fetcher;
    private final ScoringSettings scoring;
    private final SessionFactory sessions;
    private final int warmupK;
    private final Clock clock;

    /**
     * @param sessions the process's session factory (it owns the device choice)
     * @param warmupK  the k full-catalog calls will ask for (twice the recommendation list length)
     */
    public ModelLoader(ArtifactFetcher fetcher, ScoringSettings scoring, SessionFactory sessions, int warmupK,
                       Clock clock) {
        this.fetcher = fetcher;
        this.scoring = scoring;
        this.sessions = sessions;
        this.warmupK = warmupK;
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
        return new LoadedModel(p, session, clock.instant());
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
