package dev.streamrec.app.topology;

import java.util.Objects;

/**
 * An item the topology proposes for ranking: {@code itemId} (catalogue id), {@code heuristicScore}
 * (co-visitation score normalised to [0, 1] plus the trending bonus) and {@code reason}, why it is a
 * candidate: {@code co-visited:<itemId>} (the user's item that contributed most) or {@code trending}.
 * <p>
 * A value class with record-style accessors, equal by those three. It is not a record because a
 * co-visited candidate's reason is built only when asked for: an event has up to 200 candidates and about
 * k of them are served, and building every reason string was a tenth of the stream thread's allocation
 * (BENCHMARKS.md, issue 11, session 12).
 */
public final class Candidate {

    private final String itemId;
    private final double heuristicScore;
    /** The reason, or null until {@link #reason()} builds it from {@code prefix} and {@code seed}. */
    private String reason;
    private final String prefix;
    private final String seed;

    public Candidate(String itemId, double heuristicScore, String reason) {
        this(itemId, heuristicScore, Objects.requireNonNull(reason, "reason"), null, null);
    }

    private Candidate(String itemId, double heuristicScore, String reason, String prefix, String seed) {
        this.itemId = itemId;
        this.heuristicScore = heuristicScore;
        this.reason = reason;
        this.prefix = prefix;
        this.seed = seed;
    }

    /** A candidate whose reason is {@code prefix + seed}, concatenated on first use. */
    static Candidate withReason(String itemId, double heuristicScore, String prefix, String seed) {
        return new Candidate(itemId, heuristicScore, null, prefix, seed);
    }

    /** The same candidate under another id (a tenant's plain id), its reason still built on first use. */
    public Candidate withItemId(String id) {
        return new Candidate(id, heuristicScore, reason, prefix, seed);
    }

    public String itemId() {
        return itemId;
    }

    public double heuristicScore() {
        return heuristicScore;
    }

    public String reason() {
        String r = reason;
        if (r == null) {
            r = prefix + seed;
            reason = r; // a benign race at worst: every thread builds the same string
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Candidate c && Double.compare(c.heuristicScore, heuristicScore) == 0
                && Objects.equals(c.itemId, itemId) && c.reason().equals(reason());
    }

    @Override
    public int hashCode() {
        return Objects.hash(itemId, heuristicScore, reason());
    }

    @Override
    public String toString() {
        return "Candidate[itemId=" + itemId + ", heuristicScore=" + heuristicScore + ", reason=" + reason() + "]";
    }
}
