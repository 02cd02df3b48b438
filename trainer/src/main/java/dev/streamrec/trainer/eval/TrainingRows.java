package dev.streamrec.trainer.eval;

import java.util.List;

import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.EventLog;

/** The baselines' common input: each user's training sequence as catalogue rows, and per-item counts. */
final class TrainingRows {

    final Catalogue catalogue;
    /** Per user, catalogue rows in time order. */
    final int[][] sequences;
    /** Per row: training events of the item. */
    final int[] events;
    /** Per row: distinct users with the item in training. */
    final int[] users;

    TrainingRows(EventLog train, Catalogue catalogue) {
        this.catalogue = catalogue;
        int n = catalogue.size();
        events = new int[n];
        users = new int[n];
        sequences = new int[train.users().size()][];
        int[] lastUser = new int[n];
        java.util.Arrays.fill(lastUser, -1);
        int u = 0;
        for (List<HistoryEvent> seq : train.users().values()) {
            int[] rows = new int[seq.size()];
            int len = 0;
            for (HistoryEvent e : seq) {
                int r = catalogue.row(e.itemId());
                if (r < 0) {
                    throw new IllegalArgumentException("training item " + e.itemId() + " is not in the catalogue");
                }
                rows[len++] = r;
                events[r]++;
                if (lastUser[r] != u) {
                    lastUser[r] = u;
                    users[r]++;
                }
            }
            sequences[u++] = rows;
        }
    }

    boolean knows(String itemId) {
        int r = catalogue.row(itemId);
        return r >= 0 && events[r] > 0;
    }

    /** Catalogue rows of a case's last {@code n} events, most recent first; -1 for an item outside the catalogue. */
    int[] recent(EvalCase c, int n) {
        List<HistoryEvent> h = c.history();
        int[] out = new int[Math.min(n, h.size())];
        for (int j = 0; j < out.length; j++) {
            out[j] = catalogue.row(h.get(h.size() - 1 - j).itemId());
        }
        return out;
    }
}
