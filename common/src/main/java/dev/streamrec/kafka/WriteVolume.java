package dev.streamrec.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker holds per topic, for counting what a workload writes independently of machine load:
 * take a {@link #snapshot} before and after, then {@link Snapshot#minus} gives records (end-offset
 * growth, transaction markers included) and bytes (log size growth on the brokers, all replicas: batch
 * and record overhead included) per topic. Compaction or retention running in between makes the byte
 * figure an underestimate; for short runs on fresh topics it does not.
 */
public final class WriteVolume {

    private WriteVolume() {
    }

    /** Records and bytes per topic at one moment (internal topics starting with {@code __} left out). */
    public record Snapshot(Map<String, long[]> perTopic) {

        /** Growth from {@code before} to this snapshot, per topic: {records, bytes}. */
        public Map<String, long[]> minus(Snapshot before) {
            Map<String, long[]> out = new TreeMap<>();
            perTopic.forEach((topic, now) -> {
                long[] then = before.perTopic.getOrDefault(topic, new long[2]);
                out.put(topic, new long[] {now[0] - then[0], now[1] - then[1]});
            });
            return out;
        }
    }

    /** Totals of a growth map: {records, bytes}. */
    public static long[] total(Map<String, long[]> growth) {
        long[] t = new long[2];
        growth.values().forEach(a -> {
            t[0] += a[0];
            t[1] += a[1];
        });
        return t;
    }

    public static Snapshot snapshot(Admin admin) throws ExecutionException, InterruptedException {
        Set<String> topics = admin.listTopics().names().get();
        Map<String, long[]> out = new TreeMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().forEach((name, d) -> {
            if (!name.startsWith("__")) {
                d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest()));
                out.put(name, new long[2]);
            }
        });
        admin.listOffsets(latest).all().get().forEach((tp, info) -> out.get(tp.topic())[0] += info.offset());
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> r : dir.replicaInfos().entrySet()) {
                    long[] a = out.get(r.getKey().topic());
                    if (a != null) {
                        a[1] += r.getValue().size();
                    }
                }
            }
        }
        return new Snapshot(out);
    }
}
