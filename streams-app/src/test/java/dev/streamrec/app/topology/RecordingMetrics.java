package dev.streamrec.app.topology;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.streamrec.avro.EventType;

/** Counts what the topology reports, for assertions. */
final class RecordingMetrics implements TopologyMetrics {

    final Map<EventType, AtomicLong> eventsIn = new ConcurrentHashMap<>();
    final Map<RejectReason, AtomicLong> rejected = new ConcurrentHashMap<>();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong erased = new AtomicLong();
    final AtomicLong recommendations = new AtomicLong();
    final AtomicLong interactions = new AtomicLong();
    final AtomicLong hits = new AtomicLong();
    final AtomicLong recentlyShownDropped = new AtomicLong();
    final AtomicLong rankedEvents = new AtomicLong();
    final AtomicLong catalogueLookups = new AtomicLong();
    final AtomicLong candidates = new AtomicLong();
    final Map<String, CacheStats> caches = new ConcurrentHashMap<>();

    @Override
    public void cache(String name, CacheStats stats) {
        caches.put(name, stats);
    }

    @Override
    public void eventIn(EventType type) {
        eventsIn.computeIfAbsent(type, t -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void rejected(RejectReason reason) {
        rejected.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public void duplicate() {
        duplicates.incrementAndGet();
    }

    @Override
    public void recentlyShownDropped(int users) {
        recentlyShownDropped.addAndGet(users);
    }

    @Override
    public void userErased() {
        erased.incrementAndGet();
    }

    @Override
    public void recommendationsOut(int candidates) {
        recommendations.incrementAndGet();
        this.candidates.addAndGet(candidates);
    }

    @Override
    public void catalogueLookups(int events, int lookups) {
        rankedEvents.addAndGet(events);
        catalogueLookups.addAndGet(lookups);
    }

    @Override
    public void interaction(boolean hit) {
        interactions.incrementAndGet();
        if (hit) {
            hits.incrementAndGet();
        }
    }

    final java.util.List<String> productionErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void productionError(String topicRole, String error) {
        productionErrors.add(topicRole + "/" + error);
    }

    java.util.List<String> productionErrors() {
        return productionErrors;
    }

    long rejectedCount(RejectReason reason) {
        AtomicLong n = rejected.get(reason);
        return n == null ? 0 : n.get();
    }
}
