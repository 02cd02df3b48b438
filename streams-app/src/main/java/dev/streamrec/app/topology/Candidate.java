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
 * (BENCHMARKS.md, issue 11, "Allocation per event").
 */
public final class Candidate {

    private final String itemId;
    private final double heuristicScore;
    /** The reason, or null until {@link #reason()} builds it from {@code seed}. */
    private String reason;
    /** The user's item that contributed most, for a co-visited candidate whose reason is not built yet. */
    private final String seed;

    public Candidate(String itemId, double heuristicScore, String reason) {
        this(itemId, heuristicScore, Objects.requireNonNull(reason, "reason"), null);
    }

    private Candidate(String itemId, double heuristicScore, String reason, String seed) {
        this.itemId = itemId;
        this.heuristicScore = heuristicScore;
        this.reason = reason;
        this.seed = seed;
    }

    /** A co-visited candidate: its reason, {@code co-visited:<seed>}, is built on first use. */
    static Candidate coVisited(String itemId, double heuristicScore, String seed) {
        return new Candidate(itemId, heuristicScore, null, seed);
    }

    /** The same candidate under another id (a tenant's plain id), its reason still built on first use. */
    public Candidate withItemId(String id) {
        return new Candidate(id, heuristicScore, reason, seed);
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
            r = CandidateGenerator.COVISITED_PREFIX + seed;
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
