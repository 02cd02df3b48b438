package dev.streamrec.app.topology;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.internal.CoVisit;
import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.ItemSignal;
import dev.streamrec.avro.internal.NeighbourScore;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The item side of the co-visitation graph (runs in the item-partitioned sub-topology). For each
 * signal it decays the item's tracked neighbour scores to the newest event time seen for the item,
 * adds the new co-visit weights (decayed if older), keeps the best {@code streamrec.covisit.tracked}
 * and marks the item dirty. A wall-clock punctuation publishes the top {@code streamrec.covisit.top-m}
 * of every dirty item to the compacted item-neighbours topic, which every instance reads as a global
 * store, and clears the marks.
 *
 * <p>The dirty marks live in a store of their own (with a changelog), not in memory, so they are
 * part of the task's transaction: after a crash the updates of the last committed transaction are
 * still published. The store is cached, so an item updated many times between two publications is
 * written to its changelog once per commit.
 */
final class CoVisitAggregator implements Processor<String, ItemSignal, String, ItemNeighbours> {

    private static final Comparator<NeighbourScore> BEST_FIRST = Comparator.comparingDouble(NeighbourScore::getScore)
            .reversed().thenComparing(NeighbourScore::getItemId);

    private final Decay decay;
    private final int tracked;
    private final int topM;
    private final Duration publishInterval;
    private ProcessorContext<String, ItemNeighbours> context;
    private KeyValueStore<String, ItemNeighbours> graph;
    private KeyValueStore<String, Long> dirty;

    CoVisitAggregator(TopologySettings settings) {
        this.decay = new Decay(settings.covisitHalfLife());
        this.tracked = settings.covisitTracked();
        this.topM = settings.covisitTopM();
        this.publishInterval = settings.covisitPublishInterval();
    }

    @Override
    public void init(ProcessorContext<String, ItemNeighbours> context) {
        this.context = context;
        this.graph = context.getStateStore(StreamrecTopology.COVISIT_STORE);
        this.dirty = context.getStateStore(StreamrecTopology.COVISIT_DIRTY_STORE);
        context.schedule(publishInterval, PunctuationType.WALL_CLOCK_TIME, now -> publish());
    }

    @Override
    public void process(Record<String, ItemSignal> record) {
        ItemSignal signal = record.value();
        if (signal.getNeighbours().isEmpty()) {
            return;
        }
        String item = record.key();
        ItemNeighbours updated = merge(graph.get(item), item, signal, decay, tracked);
        graph.put(item, updated);
        dirty.put(item, updated.getUpdatedAt());
    }

    /** The tracked list after adding one signal: decayed, summed, best first, cut to {@code limit}. */
    static ItemNeighbours merge(ItemNeighbours current, String item, ItemSignal signal, Decay decay, int limit) {
        long t = signal.getTimestamp();
        long ref = current == null ? t : Math.max(current.getUpdatedAt(), t);
        Map<String, Double> scores = new HashMap<>();
        if (current != null) {
            double f = decay.factor(ref - current.getUpdatedAt());
            for (NeighbourScore n : current.getNeighbours()) {
                scores.put(n.getItemId(), n.getScore() * f);
            }
        }
        double f = decay.factor(ref - t);
        for (CoVisit c : signal.getNeighbours()) {
            if (!c.getItemId().equals(item)) {
                scores.merge(c.getItemId(), c.getWeight() * f, Double::sum);
            }
        }
        List<NeighbourScore> list = new ArrayList<>(scores.size());
        scores.forEach((id, s) -> list.add(new NeighbourScore(id, s)));
        list.sort(BEST_FIRST);
        return new ItemNeighbours(item, ref, list.size() > limit ? new ArrayList<>(list.subList(0, limit)) : list);
    }

    private void publish() {
        List<String> published = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = dirty.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                ItemNeighbours all = graph.get(kv.key);
                if (all != null) {
                    List<NeighbourScore> top = all.getNeighbours().size() > topM
                            ? new ArrayList<>(all.getNeighbours().subList(0, topM)) : all.getNeighbours();
                    context.forward(new Record<>(kv.key, new ItemNeighbours(kv.key, all.getUpdatedAt(), top),
                            all.getUpdatedAt()));
                }
                published.add(kv.key);
            }
        }
        published.forEach(dirty::delete);
    }
}
