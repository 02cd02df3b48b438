package dev.streamrec.app.topology;

/**
 * The in-memory caches of one topology instance in front of its global stores ({@link GlobalCache}): the
 * catalogue's stock and categories, and the decoded neighbour lists. Created once per topology (so once per
 * app instance), shared by the global stores' writers, every task's {@link Recommender} and, for the ids, every
 * item-side task's {@link CoVisitAggregator}.
 *
 * @param catalog    item id → {@link CatalogView.Entry}
 * @param neighbours item id → its published neighbour list
 * @param ids        the one String of each item id that the neighbour lists and the item side's tops hold
 */
record GlobalCaches(GlobalCache<CatalogView.Entry> catalog, GlobalCache<NeighbourList> neighbours, ItemIds ids) {

    /** Sized by {@code streamrec.caches.catalog-items} and {@code neighbour-lists} ({@link CacheLimits}). */
    static GlobalCaches create(CacheLimits limits) {
        return new GlobalCaches(new GlobalCache<>(limits.catalogItems()), new GlobalCache<>(limits.neighbourLists()),
                new ItemIds(limits.catalogItems()));
    }
}
