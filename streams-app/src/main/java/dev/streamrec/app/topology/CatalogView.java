package dev.streamrec.app.topology;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.avro.Item;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

/**
 * The item catalogue as one ranking, or one micro-batch, reads it: each item is looked up in the
 * global store once, however often candidate generation, the ranker's stock check and the category
 * cap ask. The rankers ask lazily, for the items they are about to return (issue 11's steady-state
 * profile had a lookup per candidate, 30% of the stream thread). Lives for
 * one ranking or batch, so it also gives every request of a batch the same answer while the global
 * thread updates the store.
 */
final class CatalogView {

    private final KeyValueStore<String, ValueAndTimestamp<Item>> catalog;
    private final TenantRules rules;
    private final Map<String, Optional<Item>> seen = new HashMap<>();
    private int lookups;

    CatalogView(KeyValueStore<String, ValueAndTimestamp<Item>> catalog, TenantRules rules) {
        this.catalog = catalog;
        this.rules = rules;
    }

    /**
     * False only for an item the catalogue marks out of stock, where its tenant's rules exclude such items; an
     * unknown item counts as available.
     */
    boolean inStock(String itemId) {
        Item item = item(itemId);
        return item == null || item.getInStock() || !rules.forKey(itemId).excludeOutOfStock();
    }

    /** The item's catalogue category, or null (no catalogue entry, or none set). */
    String category(String itemId) {
        Item item = item(itemId);
        return item == null ? null : item.getCategory();
    }

    /** Reads of the global store so far (distinct items asked about). */
    int lookups() {
        return lookups;
    }

    private Item item(String itemId) {
        return seen.computeIfAbsent(itemId, id -> {
            lookups++;
            return Optional.ofNullable(ValueAndTimestamp.getValueOrNull(catalog.get(id)));
        }).orElse(null);
    }
}
