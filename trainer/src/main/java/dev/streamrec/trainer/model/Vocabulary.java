package dev.streamrec.trainer.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Item ids and their row in the weight tables. Row 0 is reserved for "unknown or padding": its
 * input embedding stays zero, so an unknown item in a history adds nothing, exactly as the
 * exported LabelEncoder's default maps it.
 */
public final class Vocabulary {

    public static final int UNKNOWN = 0;

    private final List<String> ids;          // ids.get(i - 1) is the id of row i
    private final Map<String, Integer> rows;

    public Vocabulary(List<String> ids) {
        this.ids = List.copyOf(ids);
        this.rows = HashMap.newHashMap(ids.size());
        for (int i = 0; i < this.ids.size(); i++) {
            if (rows.put(this.ids.get(i), i + 1) != null) {
                throw new IllegalArgumentException("duplicate item id in vocabulary: " + this.ids.get(i));
            }
        }
    }

    /** This vocabulary with the ids it lacks appended, in the given order: known rows keep their index. */
    public Vocabulary extendedWith(Collection<String> more) {
        List<String> all = new ArrayList<>(ids);
        for (String id : more) {
            if (!rows.containsKey(id)) {
                all.add(id);
            }
        }
        return all.size() == ids.size() ? this : new Vocabulary(all);
    }

    /** Number of known items (rows are this plus one). */
    public int size() {
        return ids.size();
    }

    public int rows() {
        return ids.size() + 1;
    }

    public int index(String id) {
        return rows.getOrDefault(id, UNKNOWN);
    }

    public String id(int row) {
        return ids.get(row - 1);
    }

    public List<String> ids() {
        return ids;
    }
}
