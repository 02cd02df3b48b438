package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;

/**
 * Online quality: was a click or purchase on an item recommended to this user within
 * {@code streamrec.quality.window} (in event time, so replays and imports measure the same thing)?
 * Then remembers the new list's items in the task's {@link RecentlyShown} (on the heap: a metric's memory).
 * Checked before the list the event itself triggers is added, so an event never counts as a hit for its
 * own recommendation. One per task.
 */
final class QualityTracker {

    private final TopologySettings settings;
    private final TopologyMetrics metrics;
    private final RecentlyShown recent;

    QualityTracker(TopologySettings settings, TopologyMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.recent = new RecentlyShown(settings.qualityWindow().toMillis(), settings.caches().recentlyShownUsers());
    }

    /** The user's requested erasure: forget what was shown to them. */
    void forget(String key) {
        recent.forget(key);
    }

    void track(String key, UserEvent event, List<RecommendedItem> items, Ranking ranking) {
        long now = event.getTimestamp();
        long window = settings.qualityWindow().toMillis();
        RecentlyShown.Shown shown = recent.of(key);
        metrics.seen(event.getItemId());
        if (event.getType() == EventType.CLICK || event.getType() == EventType.PURCHASE) {
            long at = shown.lastShown(event.getItemId().hashCode());
            boolean hit = at != RecentlyShown.NEVER && now - at <= window;
            metrics.interaction(hit);
            if (ranking.inExperiment()) {
                // The user's variant is stable, so the lists the hit refers to came from it too.
                metrics.experimentInteraction(ranking.experiment(), ranking.variant(), hit);
            }
        }
        List<String> ids = new ArrayList<>(items.size());
        int[] hashes = new int[items.size()];
        for (int i = 0; i < items.size(); i++) {
            String id = items.get(i).getItemId();
            hashes[i] = id.hashCode();
            ids.add(id);
        }
        int dropped = recent.shown(key, shown, hashes, now);
        if (dropped > 0) {
            metrics.recentlyShownDropped(dropped);
        }
        metrics.emitted(ids, event.getTimestamp());
        if (ranking.inExperiment()) {
            metrics.experimentEmitted(ranking.experiment(), ranking.variant(), ids);
        }
    }
}
