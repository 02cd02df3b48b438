package dev.streamrec.app.filter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The request-time filters of {@code GET /recommendations/{userId}}, applied to the stored
 * (over-fetched) list before it is cut to k. They only narrow the list: an item the stream rules
 * removed never comes back.
 *
 * @param category    keep only items of this catalogue category (null: any)
 * @param exclude     drop these item ids ({@code ?exclude=id,id})
 * @param includeSeen false drops every item in the user's history, whatever {@code streamrec.recommend.exclude} is
 */
public record ServedFilter(String category, Set<String> exclude, boolean includeSeen) {

    public static final ServedFilter NONE = new ServedFilter(null, Set.of(), true);

    public ServedFilter {
        exclude = Set.copyOf(exclude);
    }

    /** From the query parameters, any of them absent; blank parts of {@code exclude} are ignored. */
    public static ServedFilter of(String category, String exclude, Boolean includeSeen) {
        Set<String> ids = exclude == null ? Set.of() : Arrays.stream(exclude.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
        return new ServedFilter(category == null || category.isBlank() ? null : category, ids,
                includeSeen == null || includeSeen);
    }

    /**
     * The first {@code k} items of {@code items} (best first) that pass.
     *
     * @param itemId     an item's id
     * @param categoryOf an item id's catalogue category, or null; asked only with {@link #category} set
     * @param seen       the items of the user's history; read only when {@link #includeSeen} is false
     */
    public <T> List<T> apply(List<T> items, int k, Function<T, String> itemId, Function<String, String> categoryOf,
                             Set<String> seen) {
        List<T> out = new ArrayList<>(Math.min(k, items.size()));
        for (T item : items) {
            if (out.size() >= k) {
                break;
            }
            String id = itemId.apply(item);
            if (exclude.contains(id) || (!includeSeen && seen.contains(id))
                    || (category != null && !category.equals(categoryOf.apply(id)))) {
                continue;
            }
            out.add(item);
        }
        return out;
    }
}
