package dev.streamrec.trainer.eval;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.streamrec.avro.EventType;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.EvalCase;

/**
 * Which of the user's own items full ranking never returns. The same rule must hold in serving,
 * or offline figures measure lists users never see.
 */
public enum ExclusionPolicy {

    /**
     * Every item of the case's history (the Beauty/ICLRec protocol: the user's input items are
     * excluded). Serving: {@code streamrec.recommend.exclude: history}.
     */
    HISTORY("history"),

    /**
     * Purchased items plus the latest event's item, so viewed items may come back (shoppers return
     * to items). Serving: {@code streamrec.recommend.exclude: purchases} (its default; the streams app's
     * {@code filter.ExclusionPolicy} excludes the kept purchases, purchases in the history and the
     * triggering event's item).
     */
    PURCHASES("purchases");

    private final String label;

    ExclusionPolicy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Distinct excluded item ids of a case, in history order. */
    public List<String> excluded(EvalCase c) {
        Set<String> out = new LinkedHashSet<>();
        List<HistoryEvent> history = c.history();
        for (HistoryEvent e : history) {
            if (this == HISTORY || e.type() == EventType.PURCHASE) {
                out.add(e.itemId());
            }
        }
        if (this == PURCHASES && !history.isEmpty()) {
            out.add(history.getLast().itemId());
        }
        return List.copyOf(out);
    }

    public static ExclusionPolicy parse(String s) {
        for (ExclusionPolicy p : values()) {
            if (p.label.equals(s.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown exclusion policy '" + s + "', known: history, purchases");
    }
}
