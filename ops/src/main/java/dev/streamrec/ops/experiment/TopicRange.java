package dev.streamrec.ops.experiment;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.streamrec.ops.KafkaCalls;
import dev.streamrec.ops.OpsException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every record of a topic whose timestamp is in {@code [from, to)}: all partitions, no group,
 * read_committed, from the first offset at or after {@code from} to the first at or after
 * {@code to} (the end as it is when the read starts, so a live topic does not keep it running).
 */
final class TopicRange {

    private TopicRange() {
    }

    static void read(Map<String, Object> clientConfig, String topic, long fromMs, long toMs,
                     Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, KafkaCalls.TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new OpsException("topic " + topic + " does not exist");
            }
            List<TopicPartition> tps = new ArrayList<>();
            infos.forEach(i -> tps.add(new TopicPartition(topic, i.partition())));
            Map<TopicPartition, Long> end = c.endOffsets(tps, KafkaCalls.TIMEOUT);
            Map<TopicPartition, Long> start = at(c, tps, fromMs, end);
            Map<TopicPartition, Long> stop = toMs == Long.MAX_VALUE ? end : at(c, tps, toMs, end);
            c.assign(tps);
            List<TopicPartition> open = new ArrayList<>();
            for (TopicPartition tp : tps) {
                if (start.get(tp) < stop.get(tp)) {
                    c.seek(tp, start.get(tp));
                    open.add(tp);
                }
            }
            c.assign(open);
            while (!open.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < stop.get(tp) && r.timestamp() >= fromMs && r.timestamp() < toMs) {
                        sink.accept(r);
                    }
                }
                open.removeIf(tp -> c.position(tp) >= stop.get(tp));
                c.assign(open);
            }
        }
    }

    private static Map<TopicPartition, Long> at(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> tps, long ms,
                                                Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, Math.max(0, ms)));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, KafkaCalls.TIMEOUT);
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : tps) {
            OffsetAndTimestamp o = found.get(tp);
            out.put(tp, o == null ? end.get(tp) : o.offset());
        }
        return out;
    }
}
