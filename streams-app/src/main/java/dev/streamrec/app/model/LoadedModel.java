package dev.streamrec.app.model;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamrec.app.scoring.ModelLease;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.onnx.RecommenderSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model that passed every check, with a reference count: one reference is the manager's (held
 * while the model serves, dropped by {@link #retire()}), one per open {@link ModelLease}. The
 * session closes when the count reaches zero, i.e. when it no longer serves and its last in-flight
 * call has returned.
 */
public final class LoadedModel {

    private static final Logger LOG = LoggerFactory.getLogger(LoadedModel.class);

    private final ModelPublished announcement;
    private final RecommenderSession session;
    private final Instant loadedAt;
    private final AtomicInteger refs = new AtomicInteger(1);
    private final AtomicBoolean retired = new AtomicBoolean();

    LoadedModel(ModelPublished announcement, RecommenderSession session, Instant loadedAt) {
        this.announcement = announcement;
        this.session = session;
        this.loadedAt = loadedAt;
    }

    public ModelPublished announcement() {
        return announcement;
    }

    public String name() {
        return announcement.getName();
    }

    public String version() {
        return announcement.getVersion();
    }

    public RecommenderSession session() {
        return session;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    /** Open leases plus the manager's reference while serving; 0 once closed. */
    public int references() {
        return refs.get();
    }

    /** A lease, or {@code null} when this model has already been closed (the caller re-reads the current model). */
    ModelLease tryLease() {
        for (;;) {
            int r = refs.get();
            if (r == 0) {
                return null;
            }
            if (refs.compareAndSet(r, r + 1)) {
                return new Lease();
            }
        }
    }

    /** Drops the manager's reference: the session closes after the last lease. Idempotent. */
    void retire() {
        if (retired.compareAndSet(false, true)) {
            release();
        }
    }

    private void release() {
        int left = refs.decrementAndGet();
        if (left == 0) {
            try {
                session.close();
                LOG.info("closed the session of model {} version {}", name(), version());
            } catch (RuntimeException e) {
                LOG.warn("closing the session of model {} version {} failed", name(), version(), e);
            }
        } else if (left < 0) {
            throw new IllegalStateException("model " + version() + " released more often than acquired");
        }
    }

    private final class Lease implements ModelLease {
        private final AtomicBoolean open = new AtomicBoolean(true);

        @Override
        public RecommenderSession session() {
            return session;
        }

        @Override
        public String version() {
            return announcement.getVersion();
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release();
            }
        }
    }
}
