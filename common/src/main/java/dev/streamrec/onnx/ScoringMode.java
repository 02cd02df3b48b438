package dev.streamrec.onnx;

import java.util.Locale;

/**
 * How the model ranks for one event: {@link #CANDIDATES} scores the co-visitation and trending
 * candidates the topology proposes (each keeps its reason); {@link #FULL} scores every item of the
 * model's vocabulary and takes the top k inside the graph.
 */
public enum ScoringMode {
    CANDIDATES, FULL;

    /** Parses {@code candidates|full} (any case; {@code full-catalog} too). */
    public static ScoringMode parse(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "candidates", "candidate" -> CANDIDATES;
            case "full", "full-catalog", "full_catalog" -> FULL;
            default -> throw new IllegalArgumentException("unknown scoring mode '" + s + "' (candidates, full)");
        };
    }
}
