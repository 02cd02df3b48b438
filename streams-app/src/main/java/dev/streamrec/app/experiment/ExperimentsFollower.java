package dev.streamrec.app.experiment;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.streamrec.avro.Experiment;
import dev.streamrec.kafka.TopicFollower;
import dev.streamrec.topics.Topic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted experiments topic on every instance as a table ({@link TopicFollower}: no
 * group, all partitions from the beginning; the newest record per key wins, a tombstone removes it)
 * and hands the whole table to the {@link ExperimentPlan} after the catch-up and after every poll
 * that changed it: definitions change without a restart. Every instance reads the same records, so
 * every instance assigns a user the same way. Undecodable records are logged and skipped.
 *
 * <p>Why a consumer and not a Kafka Streams global table: the change must also reach the model
 * manager (pinned versions to load), and a global store's restore bypasses any processor.
 */
public final class ExperimentsFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentsFollower.class);

    private final TopicFollower follower;

    /** @param clientConfig bootstrap servers and security settings (anything else is set by the follower) */
    public ExperimentsFollower(Topic<String, Experiment> topic, ExperimentPlan ranker, Properties clientConfig,
                               String clientId) {
        this.follower = new TopicFollower(topic.name(), "experiments", "the experiments as last read stay live",
                new Definitions(topic, ranker), clientConfig, clientId);
    }

    public void start() {
        follower.start();
    }

    /** True once the records present at start have been applied. */
    public boolean caughtUp() {
        return follower.caughtUp();
    }

    @Override
    public void close() {
        follower.close();
    }

    /** The table of definitions, handed to the ranker whole. */
    private static final class Definitions implements TopicFollower.Reader {
        private final Topic<String, Experiment> topic;
        private final ExperimentPlan ranker;
        private final Map<String, Experiment> table = new TreeMap<>();
        private boolean live;

        Definitions(Topic<String, Experiment> topic, ExperimentPlan ranker) {
            this.topic = topic;
            this.ranker = ranker;
        }

        @Override
        public void read(ConsumerRecords<byte[], byte[]> records) {
            if (apply(records) && live) {
                ranker.apply(List.copyOf(table.values()));
            }
        }

        @Override
        public void caughtUp() {
            ranker.apply(List.copyOf(table.values()));
            live = true;
            LOG.info("experiments {}: {} definition(s) at start; following", topic.name(), table.size());
        }

        /** Applies the records to the table; true when it changed. */
        private boolean apply(ConsumerRecords<byte[], byte[]> records) {
            boolean changed = false;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                if (r.key() == null) {
                    LOG.warn("skipping experiments record {}-{}@{} without a key", r.topic(), r.partition(), r.offset());
                    continue;
                }
                String name = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    changed |= table.remove(name) != null;
                    continue;
                }
                try {
                    table.put(name, topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    changed = true;
                } catch (RuntimeException e) {
                    LOG.warn("skipping undecodable experiments record {}-{}@{}: {}", r.topic(), r.partition(),
                            r.offset(), e.getMessage());
                }
            }
            return changed;
        }
    }
}
