package dev.streamrec.app.topology;

/**
 * How much the app keeps decoded on the heap to spare the hot path a RocksDB read and an Avro decode.
 * Keys: {@code streamrec.caches.*} in {@code application.yml}. Raise them for a large catalogue when the heap
 * allows (a miss costs a store read, or for {@code covisit-tops} a prefix scan of the item's pairs); lower them
 * for a small heap.
 *
 * @param neighbourLists per instance: published neighbour lists kept decoded for candidate generation
 *                       ({@code neighbour-lists}; 12 heap bytes a neighbour, its id shared with every other list:
 *                       about 0.7 KB a list with top-m 50, see {@link NeighbourList}). Two generations of half each: a key read
 *                       while its generation lasts stays, the others are dropped ({@link GlobalCache}).
 * @param catalogItems   per instance: catalogue entries (category, stock) kept decoded ({@code catalog-items}),
 *                       bounded likewise; also the bound of the instance's shared item ids ({@link ItemIds}) that
 *                       the neighbour lists and the item side's tops hold
 * @param covisitTops    per item-side task: items whose top M the task holds in memory, the least recently
 *                       updated forgotten first ({@code covisit-tops}; about 3 KB an item with top-m 50, its ids
 *                       shared, estimated from the object sizes; a forgotten item costs one scan of its pairs when
 *                       next changed)
 * @param recentlyShownUsers per user-side task: users whose recently shown items the online hit rate remembers
 *                       ({@code recently-shown-users}; at most 200 items a user, 12 bytes an item; users whose lists
 *                       left {@code streamrec.quality.window} are dropped first, then the least recently shown-to,
 *                       counted in {@code streamrec_online_memory_dropped_users_total}: their later hits are missed)
 */
public record CacheLimits(int neighbourLists, int catalogItems, int covisitTops, int recentlyShownUsers) {

    public static final CacheLimits DEFAULTS = new CacheLimits(20_000, 200_000, 20_000, 20_000);

    public CacheLimits {
        positive("neighbour-lists", neighbourLists);
        positive("catalog-items", catalogItems);
        positive("covisit-tops", covisitTops);
        positive("recently-shown-users", recentlyShownUsers);
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException("streamrec.caches." + key + " must be > 0, was " + value);
        }
    }
}
