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
 * cap ask (the profile of issue 11 had one lookup per candidate, 25% of the stream thread). Lives for
 * one ranking or batch, so it also gives every request of a batch the same answer while the global
 * thread updates the store.
 */
final class CatalogView {

    private final KeyValueStore<String, ValueAndTimestamp<Item>> catalog;
    private final TenantRules rules;
    private final Map<String, Optional<Item>> seen = new HashMap<>();

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

    private Item item(String itemId) {
        return seen.computeIfAbsent(itemId, id -> Optional.ofNullable(ValueAndTimestamp.getValueOrNull(catalog.get(id))))
                .orElse(null);
    }
}
