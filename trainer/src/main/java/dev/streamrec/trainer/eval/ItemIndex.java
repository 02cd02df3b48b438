package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.EventLog;

/** Dense item rows (1-based; 0 = unknown) and per-user distinct item lists of a training log, for the baselines. */
final class ItemIndex {

    final List<String> ids = new ArrayList<>();
    final Map<String, Integer> rows = new HashMap<>();
    final List<int[]> userItems = new ArrayList<>();
    final int[] counts;

    ItemIndex(EventLog train) {
        TreeSet<String> all = new TreeSet<>();
        train.users().values().forEach(l -> l.forEach(e -> all.add(e.itemId())));
        ids.add(null);
        for (String id : all) {
            rows.put(id, ids.size());
            ids.add(id);
        }
        counts = new int[ids.size()];
        for (List<HistoryEvent> seq : train.users().values()) {
            java.util.LinkedHashSet<Integer> distinct = new java.util.LinkedHashSet<>();
            for (HistoryEvent e : seq) {
                int r = rows.get(e.itemId());
                counts[r]++;
                distinct.add(r);
            }
            userItems.add(distinct.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    int row(String id) {
        return rows.getOrDefault(id, 0);
    }

    int size() {
        return ids.size();
    }
}
