package dev.streamrec.app.topology;

/** One ranked item: score comparable within one list only, and the reason it was a candidate. */
public record RankedItem(String itemId, double score, String reason) {
}
