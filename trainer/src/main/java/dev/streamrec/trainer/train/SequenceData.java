package dev.streamrec.trainer.train;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.HistoryEvent;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.model.AgeBuckets;
import dev.streamrec.trainer.model.History;
import dev.streamrec.trainer.model.Vocabulary;

/**
 * The event log as vocabulary rows, and the training examples in it: every position {@code t >= 1}
 * of every user's sequence whose item differs from the previous event's item (a funnel step on the
 * same item, VIEW then CLICK then PURCHASE, is not a new item to predict, yet it stays in the
 * history, where its type code carries the signal).
 */
final class SequenceData {

    private final int[][] items;
    private final int[][] types;
    private final long[][] times;
    private final long[] examples;   // user << 32 | position

    private SequenceData(int[][] items, int[][] types, long[][] times, long[] examples) {
        this.items = items;
        this.types = types;
        this.times = times;
        this.examples = examples;
    }

    static SequenceData of(EventLog log, Vocabulary vocabulary) {
        int users = log.users().size();
        int[][] items = new int[users][];
        int[][] types = new int[users][];
        long[][] times = new long[users][];
        List<Long> examples = new ArrayList<>();
        int u = 0;
        for (List<HistoryEvent> seq : log.users().values()) {
            int n = seq.size();
            items[u] = new int[n];
            types[u] = new int[n];
            times[u] = new long[n];
            for (int t = 0; t < n; t++) {
                HistoryEvent e = seq.get(t);
                items[u][t] = vocabulary.index(e.itemId());
                types[u][t] = (int) ModelContract.typeCode(e.type());
                times[u][t] = e.timestamp();
                if (t >= 1 && items[u][t] != Vocabulary.UNKNOWN && items[u][t] != items[u][t - 1]) {
                    examples.add(((long) u << 32) | t);
                }
            }
            u++;
        }
        return new SequenceData(items, types, times, examples.stream().mapToLong(Long::longValue).toArray());
    }

    long[] examples() {
        return examples;
    }

    static int user(long example) {
        return (int) (example >>> 32);
    }

    static int position(long example) {
        return (int) example;
    }

    int target(long example) {
        return items[user(example)][position(example)];
    }

    /**
     * Fills {@code out} with the events before the example's position, most recent first, aged at the
     * latest of them (when the streams app scores, before the target happens; see {@code EvalCase.scoringTime}).
     */
    void history(long example, History out, float[] ageBoundaries) {
        int u = user(example);
        int t = position(example);
        long now = times[u][Math.max(0, t - 1)];
        out.clear();
        for (int j = t - 1; j >= 0 && out.length < out.items.length; j--) {
            out.add(items[u][j], types[u][j],
                    AgeBuckets.bucket(HistoryEncoder.ageSeconds(now, times[u][j]), ageBoundaries));
        }
    }
}
