package dev.streamrec.trainer.data;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.streamrec.avro.UserDeletion;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.serde.RecordDecodingException;
import dev.streamrec.kafka.ClientProperties;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.topics.Topic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the user-events topic once, from the first offset at or after {@code start} to the end
 * offsets seen when the read began (so a busy topic still gives a bounded read), keeping events
 * with {@code start <= timestamp < end}. Uses manual assignment and no consumer group: the trainer
 * never commits offsets and never disturbs the streams app's group. Records that do not decode are
 * counted and skipped (the streams app sends them to the dead-letter topic; here they only matter
 * as a number in the log). Given the user-deletions topic, events of users erased on request are
 * left out up to their request time ({@link DeletedUsers}).
 */
public final class KafkaEventReader {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaEventReader.class);

    /** Timestamps in epoch ms; {@link #ALL} reads the whole topic. */
    public record Window(long start, long end) {
        public static final Window ALL = new Window(0, Long.MAX_VALUE);

        public boolean contains(long ts) {
            return ts >= start && ts < end;
        }
    }

    private final String bootstrapServers;
    private final Map<String, String> clientSettings;
    private final Topic<String, UserEvent> topic;
    private final Topic<String, UserDeletion> deletions;
    private volatile long lastSkipped;

    private String tenant = TenantKeys.DEFAULT;

    public KafkaEventReader(String bootstrapServers, Topic<String, UserEvent> topic) {
        this(bootstrapServers, Map.of(), topic);
    }

    /** @param clientSettings extra consumer settings (security: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}) */
    public KafkaEventReader(String bootstrapServers, Map<String, String> clientSettings, Topic<String, UserEvent> topic) {
        this(bootstrapServers, clientSettings, topic, null);
    }

    /**
     * @param deletions the user-deletions topic: erased users' events up to their request are left out of
     *                  every read ({@link DeletedUsers}); null reads every event
     */
    public KafkaEventReader(String bootstrapServers, Map<String, String> clientSettings, Topic<String, UserEvent> topic,
                            Topic<String, UserDeletion> deletions) {
        this.bootstrapServers = bootstrapServers;
        this.clientSettings = Map.copyOf(clientSettings);
        this.topic = topic;
        this.deletions = deletions;
    }

    /**
     * Reads only the events of {@code tenant} ({@link TenantKeys#DEFAULT} unless set): a model is trained
     * on one shop's events, whose user and item ids mean nothing in another's.
     */
    public KafkaEventReader onlyTenant(String tenant) {
        this.tenant = TenantKeys.normalize(tenant);
        return this;
    }

    public EventLog read(Window window) {
        // Read before the events: a deletion requested while the events are read then covers them too.
        DeletedUsers deleted = deletions == null ? DeletedUsers.NONE
                : DeletedUsers.read(bootstrapServers, clientSettings, deletions);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            seekToStart(consumer, partitions, window.start(), end);
            long total = 0;
            for (TopicPartition tp : partitions) {
                total += Math.max(0, end.get(tp) - consumer.position(tp));
            }
            List<UserEvent> events = new ArrayList<>();
            long undecodable = 0;
            Map<RecordDecodingException.Reason, Long> skipped = new java.util.EnumMap<>(RecordDecodingException.Reason.class);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : partitions) {
                if (consumer.position(tp) < end.get(tp)) {
                    remaining.put(tp, end.get(tp));
                }
            }
            try (ProgressBar bar = new ProgressBar("reading " + topic.name(), total)) {
                while (!remaining.isEmpty()) {
                    var records = consumer.poll(Duration.ofMillis(500));
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        bar.step(1);
                        Long stop = remaining.get(new TopicPartition(r.topic(), r.partition()));
                        if (stop == null || r.offset() >= stop) {
                            continue;
                        }
                        try {
                            UserEvent e = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
                            if (e != null && window.contains(e.getTimestamp())
                                    && tenant.equals(TenantKeys.normalize(e.getTenantId()))) {
                                events.add(e);
                            }
                        } catch (RecordDecodingException badRecord) {
                            // Every decode failure is this one type (length bombs and forged counts included,
                            // refused by AvroLimits): skipping it must never fail a training run.
                            undecodable++;
                            if (badRecord.reason() != null) {
                                skipped.merge(badRecord.reason(), 1L, Long::sum);
                            }
                        }
                    }
                    for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                        if (consumer.position(tp) >= remaining.get(tp)) {
                            remaining.remove(tp);
                        }
                    }
                }
            }
            if (undecodable > 0) {
                LOG.warn("skipped {} undecodable records on {} (by reason: {})", undecodable, topic.name(), skipped);
            }
            List<UserEvent> kept = deleted.filter(events);
            if (kept.size() < events.size()) {
                LOG.info("left out {} events of {} erased user(s) ({})", events.size() - kept.size(), deleted.size(),
                        deletions.name());
            }
            LOG.info("read {} events from {} (window {}..{})", kept.size(), topic.name(), window.start(), window.end());
            lastSkipped = undecodable;
            return EventLog.of(kept, topic.name());
        }
    }

    /** Records the last {@link #read} skipped because they do not decode. */
    public long lastSkipped() {
        return lastSkipped;
    }

    /** Current end offsets summed over partitions: how many records the topic has ever held. */
    public long endOffsetSum() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
            return consumer.endOffsets(partitions(consumer)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic.name() + " does not exist on " + bootstrapServers);
        }
        return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private static void seekToStart(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions, long start,
                                    Map<TopicPartition, Long> end) {
        if (start <= 0) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, start));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            // No record at or after start in this partition: nothing to read there.
            consumer.seek(tp, at == null ? end.get(tp) : at.offset());
        }
    }

    private Properties consumerProperties() {
        Properties p = ClientProperties.with(bootstrapServers, clientSettings);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-trainer-reader");
        return p;
    }
}
