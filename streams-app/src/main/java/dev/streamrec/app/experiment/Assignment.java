package dev.streamrec.app.experiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.ExperimentVariant;

/**
 * Deterministic assignment: a user's bucket in an experiment is the first 8 bytes of
 * {@code sha256(salt + ":" + userId)} modulo {@value #BUCKETS}; variants take consecutive ranges of
 * buckets in their order, {@code share} percent each; buckets past the shares' sum are outside the
 * experiment. Nothing is stored: every instance, before and after a restart, computes the same
 * answer from the definition alone, and a user is in at most one variant of an experiment.
 *
 * <p>Several active experiments: they are tried in name order and the first one that places the
 * user in a variant wins (so two experiments of 50% each with different salts overlap: a user in
 * both is in the first only). Give experiments shares that add up to at most 100 across them and the
 * same salt to keep their users apart.
 */
public final class Assignment {

    /** Buckets per experiment: a share is a percent, so 100 buckets per percent. */
    public static final int BUCKETS = 10_000;

    private Assignment() {
    }

    /** The user's bucket in an experiment with {@code salt}, in {@code [0, BUCKETS)}. */
    public static int bucket(String salt, String userId) {
        byte[] digest = sha256().digest((salt + ":" + userId).getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (digest[i] & 0xff);
        }
        return (int) Math.floorMod(h, (long) BUCKETS);
    }

    /** The user's variant in {@code e}, or {@code null} when the experiment is inactive or the user is outside it. */
    public static ExperimentVariant variant(Experiment e, String userId) {
        if (!e.getActive()) {
            return null;
        }
        int b = bucket(e.getSalt(), userId);
        int upTo = 0;
        for (ExperimentVariant v : e.getVariants()) {
            upTo += v.getShare() * (BUCKETS / 100);
            if (b < upTo) {
                return v;
            }
        }
        return null;
    }

    /** Which variant of which experiment, by the first-match rule over {@code experiments} sorted by name. */
    public record Placement(Experiment experiment, ExperimentVariant variant) {
    }

    /** The user's placement among {@code experiments} (sorted by name), or {@code null}: no experiment. */
    public static Placement place(List<Experiment> experiments, String userId) {
        for (Experiment e : experiments) {
            ExperimentVariant v = variant(e, userId);
            if (v != null) {
                return new Placement(e, v);
            }
        }
        return null;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
