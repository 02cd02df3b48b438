package dev.streamrec.app.topology;

import dev.streamrec.avro.internal.ItemNeighbours;

/**
 * The in-memory caches of one topology instance in front of its global stores ({@link GlobalCache}): the
 * catalogue's stock and categories, and the decoded neighbour lists. Created once per topology (so once per
 * app instance), shared by the global stores' writers and every task's {@link Recommender}.
 *
 * @param catalog    item id → {@link CatalogView.Entry}
 * @param neighbours item id → its published neighbour list
 */
record GlobalCaches(GlobalCache<CatalogView.Entry> catalog, GlobalCache<ItemNeighbours> neighbours) {

    /** Neighbour lists kept, at most (an entry is a decoded list of up to top-m neighbours, ~1-2 KB). */
    static final int CACHED_NEIGHBOUR_LISTS = 20_000;

    static GlobalCaches create() {
        return new GlobalCaches(new GlobalCache<>(CatalogView.CACHED_ITEMS), new GlobalCache<>(CACHED_NEIGHBOUR_LISTS));
    }
}
