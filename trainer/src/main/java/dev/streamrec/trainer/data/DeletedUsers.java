package dev.streamrec.trainer.data;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.streamrec.avro.UserDeletion;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.kafka.ClientProperties;
import dev.streamrec.serde.RecordDecodingException;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.topics.Topic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users erased on request (the compacted {@code user-deletions} topic: userId → request time), and
 * the rule the trainer applies with them: an event of an erased user with an event time at or before
 * the request is dropped, so a training run never learns from an erased past; the user's later events
 * (a fresh start, as in the streams app) are kept.
 */
public final class DeletedUsers {

    private static final Logger LOG = LoggerFactory.getLogger(DeletedUsers.class);

    /** No user erased. */
    public static final DeletedUsers NONE = new DeletedUsers(Map.of());

    private final Map<String, Long> requestedAt;

    public DeletedUsers(Map<String, Long> requestedAt) {
        this.requestedAt = Map.copyOf(requestedAt);
    }

    public int size() {
        return requestedAt.size();
    }

    /** False for an event of an erased user that happened at or before the request. */
    public boolean keeps(UserEvent e) {
        Long at = requestedAt.get(TenantKeys.scope(e.getTenantId(), e.getUserId())); // a user of one tenant
        return at == null || e.getTimestamp() > at;
    }

    /** {@code events} without the erased users' erased events, in the same order. */
    public List<UserEvent> filter(List<UserEvent> events) {
        if (requestedAt.isEmpty()) {
            return events;
        }
        List<UserEvent> kept = new ArrayList<>(events.size());
        for (UserEvent e : events) {
            if (keeps(e)) {
                kept.add(e);
            }
        }
        return kept;
    }

    /**
     * Reads the whole deletions topic (manual assignment, no group, up to the end offsets seen at the
     * start); the latest request per user wins. A missing topic means no deletions (logged);
     * undecodable records are skipped and counted, like the events reader does.
     */
    public static DeletedUsers read(String bootstrapServers, Map<String, String> clientSettings,
                                    Topic<String, UserDeletion> topic) {
        Properties p = ClientProperties.with(bootstrapServers, clientSettings);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "streamrec-trainer-deletions");
        // Never create the topic by asking for it: the app creates it with user-events' partition count.
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                LOG.info("no topic {} on {}: no user deletions to apply", topic.name(), bootstrapServers);
                return NONE;
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
            end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            Map<String, Long> deleted = new HashMap<>();
            long undecodable = 0;
            while (!end.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Long stop = end.get(new TopicPartition(r.topic(), r.partition()));
                    if (stop == null || r.offset() >= stop || r.value() == null) {
                        continue;
                    }
                    try {
                        UserDeletion d = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
                        deleted.merge(TenantKeys.scope(d.getTenantId(), d.getUserId()), d.getRequestedAt(), Math::max);
                    } catch (RecordDecodingException bad) {
                        undecodable++;
                    }
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            if (undecodable > 0) {
                LOG.warn("skipped {} undecodable records on {}", undecodable, topic.name());
            }
            return new DeletedUsers(deleted);
        }
    }
}
