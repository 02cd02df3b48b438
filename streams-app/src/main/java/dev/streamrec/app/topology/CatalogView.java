package dev.streamrec.app.topology;

import java.util.HashMap;
import java.util.Map;

import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.avro.Item;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The item catalogue as one ranking, or one micro-batch, reads it: each item is asked of the instance's
 * {@link CatalogCache} once (which reads the global store only on a miss), however often candidate
 * generation, the ranker's stock check and the category cap ask. The rankers ask lazily, for the items they
 * are about to return (issue 11's steady-state profile had a lookup per candidate, 30% of the stream
 * thread). Lives for one ranking or batch, so it also gives every request of a batch the same answer while
 * the global thread updates the store.
 */
final class CatalogView {

    private final KeyValueStore<String, ValueAndTimestamp<Item>> catalog;
    private final CatalogCache cache;
    private final TenantRules rules;
    private final Map<String, CatalogCache.Entry> seen = new HashMap<>();
    private int lookups;

    CatalogView(KeyValueStore<String, ValueAndTimestamp<Item>> catalog, CatalogCache cache, TenantRules rules) {
        this.catalog = catalog;
        this.cache = cache;
        this.rules = rules;
    }

    /**
     * False only for an item the catalogue marks out of stock, where its tenant's rules exclude such items; an
     * unknown item counts as available.
     */
    boolean inStock(String itemId) {
        CatalogCache.Entry item = item(itemId);
        return item.inStock() || !rules.forKey(itemId).excludeOutOfStock();
    }

    /** The item's catalogue category, or null (no catalogue entry, or none set). */
    String category(String itemId) {
        return item(itemId).category();
    }

    /** Reads of the global store so far (distinct items asked about that the cache did not hold). */
    int lookups() {
        return lookups;
    }

    private CatalogCache.Entry item(String itemId) {
        CatalogCache.Entry e = seen.get(itemId);
        if (e == null) {
            e = cache.get(itemId, this::read);
            seen.put(itemId, e);
        }
        return e;
    }

    private Item read(String itemId) {
        lookups++;
        return ValueAndTimestamp.getValueOrNull(catalog.get(itemId));
    }
}
