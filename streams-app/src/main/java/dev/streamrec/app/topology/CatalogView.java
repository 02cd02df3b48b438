package dev.streamrec.app.topology;

import java.util.HashMap;
import java.util.Map;

import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.avro.Item;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The item catalogue as one ranking, or one micro-batch, reads it: each item is asked of the instance's
 * {@link GlobalCache} once (which reads the global store only on a miss), however often candidate
 * generation, the ranker's stock check and the category cap ask. The rankers ask lazily, for the items they
 * are about to return (issue 11's steady-state profile had a lookup per candidate, 30% of the stream
 * thread). Lives for one ranking or batch, so it also gives every request of a batch the same answer while
 * the global thread updates the store.
 */
final class CatalogView {

    /** The two facts a ranking needs of a catalogue item. */
    record Entry(boolean inStock, String category) {

        static Entry of(Item item) {
            String category = item.getCategory();
            return new Entry(item.getInStock(), category == null ? null : category.intern());
        }
    }

    /** An item the catalogue does not hold: available, no category. */
    private static final Entry UNKNOWN = new Entry(true, null);

    private final KeyValueStore<String, ValueAndTimestamp<Item>> catalog;
    private final GlobalCache<Entry> cache;
    private final TenantRules rules;
    private final Map<String, Entry> seen = new HashMap<>();
    private int lookups;

    CatalogView(KeyValueStore<String, ValueAndTimestamp<Item>> catalog, GlobalCache<Entry> cache, TenantRules rules) {
        this.catalog = catalog;
        this.cache = cache;
        this.rules = rules;
    }

    /**
     * False only for an item the catalogue marks out of stock, where its tenant's rules exclude such items; an
     * unknown item counts as available.
     */
    boolean inStock(String itemId) {
        Entry item = item(itemId);
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

    private Entry item(String itemId) {
        Entry e = seen.get(itemId);
        if (e == null) {
            e = cache.get(itemId, this::read);
            e = e == null ? UNKNOWN : e;
            seen.put(itemId, e);
        }
        return e;
    }

    private Entry read(String itemId) {
        lookups++;
        Item item = ValueAndTimestamp.getValueOrNull(catalog.get(itemId));
        return item == null ? null : Entry.of(item);
    }
}
