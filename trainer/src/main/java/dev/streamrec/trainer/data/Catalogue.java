package dev.streamrec.trainer.data;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The items a ranking is taken over, as dense rows {@code 0 .. size()-1} (sorted ids, so the rows do
 * not depend on reading order). Full-ranking metrics rank the target against every row.
 */
public final class Catalogue {

    private final String[] ids;
    private final Map<String, Integer> rows;

    private Catalogue(String[] ids) {
        this.ids = ids;
        this.rows = HashMap.newHashMap(ids.length);
        for (int r = 0; r < ids.length; r++) {
            rows.put(ids[r], r);
        }
    }

    public static Catalogue of(Collection<String> items) {
        return new Catalogue(new TreeSet<>(items).toArray(String[]::new));
    }

    /** These items in this order (row i is {@code items.get(i)}); ids must be distinct. */
    public static Catalogue inOrder(List<String> items) {
        Catalogue c = new Catalogue(items.toArray(String[]::new));
        if (c.rows.size() != c.ids.length) {
            throw new IllegalArgumentException("duplicate item ids in a catalogue");
        }
        return c;
    }

    /** Every item of a log's sequences. */
    public static Catalogue of(EventLog log) {
        TreeSet<String> items = new TreeSet<>();
        log.users().values().forEach(l -> l.forEach(e -> items.add(e.itemId())));
        return new Catalogue(items.toArray(String[]::new));
    }

    /** Every item of a split: its training events, its targets and its negatives. */
    public static Catalogue of(Split split) {
        HashSet<String> items = new HashSet<>();
        split.train().users().values().forEach(l -> l.forEach(e -> items.add(e.itemId())));
        for (EvalCase c : split.holdout()) {
            items.add(c.target());
            c.history().forEach(e -> items.add(e.itemId()));
            items.addAll(c.negatives());
        }
        String[] ids = items.toArray(String[]::new);
        Arrays.sort(ids);
        return new Catalogue(ids);
    }

    /** The row of an item, or -1 when it is not in the catalogue. */
    public int row(String itemId) {
        Integer r = rows.get(itemId);
        return r == null ? -1 : r;
    }

    public String id(int row) {
        return ids[row];
    }

    public int size() {
        return ids.length;
    }

    public List<String> ids() {
        return Arrays.asList(ids);
    }
}
