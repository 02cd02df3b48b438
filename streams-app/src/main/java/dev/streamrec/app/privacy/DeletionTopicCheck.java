package dev.streamrec.app.privacy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamrec.app.config.KafkaAccessCheck;
import dev.streamrec.app.topology.AppTopics;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.configuration.kafka.streams.event.BeforeKafkaStreamStart;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before Kafka Streams starts (after the topics are created), refuses to start when {@code user-deletions}
 * and {@code user-events} have different partition counts: a deletion request would then reach a task
 * that does not hold the user, and erase nothing, silently. Kafka Streams does not check this for two
 * merged sources. A cluster that does not answer is left to Kafka Streams (logged).
 */
@Singleton
public class DeletionTopicCheck implements ApplicationEventListener<BeforeKafkaStreamStart>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(DeletionTopicCheck.class);

    private final AppTopics topics;
    private final ConfiguredStreamBuilder builder;

    public DeletionTopicCheck(AppTopics topics, @Named("default") ConfiguredStreamBuilder builder) {
        this.topics = topics;
        this.builder = builder;
    }

    @Override
    public int getOrder() {
        return LOWEST_PRECEDENCE; // after the topics were created
    }

    @Override
    public void onApplicationEvent(BeforeKafkaStreamStart event) {
        String events = topics.userEvents().name();
        String deletions = topics.userDeletions().name();
        try (Admin admin = Admin.create(KafkaAccessCheck.clientConfig(builder.getConfiguration()))) {
            Map<String, TopicDescription> d = admin.describeTopics(List.of(events, deletions)).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            int e = d.get(events).partitions().size();
            int x = d.get(deletions).partitions().size();
            if (e != x) {
                throw new CoPartitioningException("topic " + deletions + " has " + x + " partition(s) but " + events
                        + " has " + e + ": deletion requests would reach tasks that do not hold the users; recreate "
                        + deletions + " with " + e + " partitions (it is compacted, keyed by userId)");
            }
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("could not compare the partitions of {} and {} ({}); Kafka Streams will keep trying", events,
                    deletions, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The deletions topic is not partitioned like user-events. */
    public static final class CoPartitioningException extends RuntimeException {
        public CoPartitioningException(String message) {
            super(message);
        }
    }
}
