package dev.streamrec.app.filter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The business rules of the recommend step ({@code streamrec.recommend.*}).
 *
 * @param exclude        which of the user's own items are never recommended ({@code exclude}: purchases | history)
 * @param overfetch      the stored list (behind {@code GET /recommendations/{userId}}) holds up to k × this
 *                       many items, so request-time filters still return k when they can; the record on the
 *                       recommendations topic keeps k ({@code overfetch})
 * @param maxPerCategory at most this many items of one catalogue category in a list, 0 = no limit
 *                       ({@code max-per-category}); items without a category are not limited
 * @param excludeOutOfStock leave out items the catalogue marks out of stock ({@code exclude-out-of-stock})
 */
public record RecommendRules(ExclusionPolicy exclude, int overfetch, int maxPerCategory, boolean excludeOutOfStock) {

    /**
     * The defaults, as in {@code application.yml}: today's exclusion, k stored (no over-fetch: a stored list
     * of 2k measured 763 instead of 425 changelog bytes per event in {@code WriteVolumeTest}), no category limit.
     */
    public static final RecommendRules DEFAULTS = new RecommendRules(ExclusionPolicy.PURCHASES, 1, 0, true);

    public RecommendRules {
        if (exclude == null) {
            throw new IllegalArgumentException("streamrec.recommend.exclude must be set");
        }
        if (overfetch < 1) {
            throw new IllegalArgumentException("streamrec.recommend.overfetch must be >= 1, was " + overfetch);
        }
        if (maxPerCategory < 0) {
            throw new IllegalArgumentException("streamrec.recommend.max-per-category must be >= 0, was " + maxPerCategory);
        }
    }

    /** Rules that leave out-of-stock items out (as before the rule was configurable). */
    public RecommendRules(ExclusionPolicy exclude, int overfetch, int maxPerCategory) {
        this(exclude, overfetch, maxPerCategory, true);
    }

    /**
     * {@code items} (best first) without the items past the category limit, order kept.
     *
     * @param categoryOf an item's catalogue category, or null when it has none
     */
    public <T> List<T> capPerCategory(List<T> items, Function<T, String> categoryOf) {
        if (maxPerCategory == 0) {
            return items;
        }
        Map<String, Integer> counts = new HashMap<>();
        List<T> kept = new ArrayList<>(items.size());
        for (T item : items) {
            String category = categoryOf.apply(item);
            if (category == null || counts.merge(category, 1, Integer::sum) <= maxPerCategory) {
                kept.add(item);
            }
        }
        return kept;
    }
}
