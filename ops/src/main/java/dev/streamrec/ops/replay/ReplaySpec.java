package dev.streamrec.ops.replay;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.streamrec.avro.EventType;

/**
 * What to replay: a source topic, where to write it, which part of it and which records.
 *
 * <p>The part is the intersection of a time range (resolved per partition with offsetsForTimes:
 * from the first offset whose timestamp is at or after {@code from} up to, not including, the first
 * at or after {@code to}) and explicit partition ranges (which also restrict the partitions read).
 * With neither, the whole topic up to the end offsets captured at start is replayed.
 *
 * <p>Filters combine with AND; an empty filter lets everything through.
 *
 * @param sourceTopic      topic to read
 * @param targetTopic      topic to write; may be null for a dry run
 * @param from             first timestamp (inclusive), or empty for the beginning
 * @param to               last timestamp (exclusive), or empty for the end captured at start
 * @param partitionRanges  explicit offset ranges; empty for every partition
 * @param userIds          keep records whose key, or whose UserEvent value's userId, is one of these
 * @param eventTypes       keep records whose value decodes as a UserEvent of one of these types
 * @param headerMatches    keep records whose headers match all of these
 * @param ratePerSecond    at most this many records written per second; 0 for no limit
 * @param dryRun           count only, write nothing
 * @param keepErrorHeaders copy the dead-letter error headers ({@code __streams.errors.*}, {@code streamrec.error.*})
 *                         too; dropped by default
 * @param dropHeaders      further header names not to copy
 */
public record ReplaySpec(
        String sourceTopic,
        String targetTopic,
        Optional<Instant> from,
        Optional<Instant> to,
        List<PartitionRange> partitionRanges,
        Set<String> userIds,
        Set<EventType> eventTypes,
        List<HeaderMatch> headerMatches,
        double ratePerSecond,
        boolean dryRun,
        boolean keepErrorHeaders,
        Set<String> dropHeaders) {

    public ReplaySpec {
        if (sourceTopic == null || sourceTopic.isBlank()) {
            throw new IllegalArgumentException("a source topic is required");
        }
        if (!dryRun && (targetTopic == null || targetTopic.isBlank())) {
            throw new IllegalArgumentException("a target topic is required unless --dry-run is given");
        }
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("--from " + from.get() + " is not before --to " + to.get());
        }
        if (ratePerSecond < 0 || Double.isNaN(ratePerSecond)) {
            throw new IllegalArgumentException("--rate must be positive (or 0 for no limit)");
        }
        Set<Integer> seen = new HashSet<>();
        for (PartitionRange r : partitionRanges) {
            if (!seen.add(r.partition())) {
                throw new IllegalArgumentException("partition " + r.partition() + " is given more than once");
            }
        }
        partitionRanges = List.copyOf(partitionRanges);
        userIds = Set.copyOf(userIds);
        eventTypes = Set.copyOf(eventTypes);
        headerMatches = List.copyOf(headerMatches);
        dropHeaders = Set.copyOf(dropHeaders);
    }

    public static Builder builder(String sourceTopic, String targetTopic) {
        return new Builder(sourceTopic, targetTopic);
    }

    /** Builds a spec step by step; everything but the topics is optional. */
    public static final class Builder {
        private final String source;
        private final String target;
        private Instant from;
        private Instant to;
        private final List<PartitionRange> ranges = new ArrayList<>();
        private final Set<String> users = new LinkedHashSet<>();
        private final Set<EventType> types = new LinkedHashSet<>();
        private final List<HeaderMatch> headers = new ArrayList<>();
        private double rate;
        private boolean dryRun;
        private boolean keepErrorHeaders;
        private final Set<String> dropHeaders = new LinkedHashSet<>();

        private Builder(String source, String target) {
            this.source = source;
            this.target = target;
        }

        public Builder from(Instant t) {
            this.from = t;
            return this;
        }

        public Builder to(Instant t) {
            this.to = t;
            return this;
        }

        public Builder partitionRanges(Collection<PartitionRange> r) {
            ranges.addAll(r);
            return this;
        }

        public Builder partitionRange(PartitionRange r) {
            ranges.add(r);
            return this;
        }

        public Builder users(Collection<String> ids) {
            users.addAll(ids);
            return this;
        }

        public Builder types(Collection<EventType> t) {
            types.addAll(t);
            return this;
        }

        public Builder headerMatch(HeaderMatch m) {
            headers.add(m);
            return this;
        }

        public Builder headerMatches(Collection<HeaderMatch> m) {
            headers.addAll(m);
            return this;
        }

        public Builder rate(double perSecond) {
            this.rate = perSecond;
            return this;
        }

        public Builder dryRun(boolean d) {
            this.dryRun = d;
            return this;
        }

        public Builder keepErrorHeaders(boolean k) {
            this.keepErrorHeaders = k;
            return this;
        }

        public Builder dropHeaders(Collection<String> names) {
            dropHeaders.addAll(names);
            return this;
        }

        public ReplaySpec build() {
            return new ReplaySpec(source, target, Optional.ofNullable(from), Optional.ofNullable(to), ranges, users,
                    types, headers, rate, dryRun, keepErrorHeaders, dropHeaders);
        }
    }
}
