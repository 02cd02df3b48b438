package dev.streamrec.app.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.streamrec.avro.ModelPublished;
import dev.streamrec.kafka.TopicFollower;
import dev.streamrec.topics.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the model-updates topic on every instance ({@link TopicFollower}: no group, all partitions
 * from the beginning). What is on the topic at start is handed over in one go
 * ({@link ModelManager#catchUp}), so a fresh instance loads only the newest version instead of every
 * one in turn; later records go one by one ({@link ModelManager#announce}). Loading happens on the
 * manager's loader thread, so the follower's thread only polls. Records that do not decode are logged
 * and skipped.
 */
public final class ModelUpdatesFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelUpdatesFollower.class);

    private final TopicFollower follower;

    /** @param clientConfig bootstrap servers and security settings (anything else is set by the follower) */
    public ModelUpdatesFollower(Topic<String, ModelPublished> topic, ModelManager manager, Properties clientConfig,
                                String clientId) {
        this.follower = new TopicFollower(topic.name(), "model-updates", "the current model keeps serving",
                new Announcements(topic, manager), clientConfig, clientId);
    }

    public void start() {
        follower.start();
    }

    /** True once the records present at start have been handed to the manager. */
    public boolean caughtUp() {
        return follower.caughtUp();
    }

    @Override
    public void close() {
        follower.close();
    }

    /** Collects the announcements present at start, then passes each later one on. */
    private static final class Announcements implements TopicFollower.Reader {
        private final Topic<String, ModelPublished> topic;
        private final ModelManager manager;
        private List<ModelPublished> initial = new ArrayList<>(); // null once caught up

        Announcements(Topic<String, ModelPublished> topic, ModelManager manager) {
            this.topic = topic;
            this.manager = manager;
        }

        @Override
        public void read(ConsumerRecords<byte[], byte[]> records) {
            List<ModelPublished> batch = initial != null ? initial : new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                decode(r, batch);
            }
            if (initial == null) {
                long now = System.nanoTime();
                for (ModelPublished p : batch) {
                    manager.announce(p, now);
                }
            }
        }

        @Override
        public void caughtUp() {
            manager.catchUp(initial, System.nanoTime());
            LOG.info("model-updates {}: {} announcement(s) at start; following", topic.name(), initial.size());
            initial = null;
        }

        private void decode(ConsumerRecord<byte[], byte[]> r, List<ModelPublished> into) {
            if (r.value() == null) {
                return; // tombstone: a model name retired from the compacted topic
            }
            try {
                into.add(topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
            } catch (RuntimeException e) {
                LOG.warn("skipping undecodable model-updates record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                        e.getMessage());
            }
        }
    }
}
