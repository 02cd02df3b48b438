package dev.streamrec.app.config;

import dev.streamrec.kafka.TopicAdmin;
import io.micronaut.configuration.kafka.streams.event.BeforeKafkaStreamStart;
import io.micronaut.context.event.ApplicationEventListener;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates missing topics (names, partitions, replication and compaction from {@code streamrec.topics.*})
 * just before Kafka Streams starts; Kafka Streams would otherwise fail on a missing source topic.
 * Existing topics are left as they are.
 */
@Singleton
public class TopicCreator implements ApplicationEventListener<BeforeKafkaStreamStart> {

    private static final Logger LOG = LoggerFactory.getLogger(TopicCreator.class);

    private final TopicPlan plan;
    private final io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder builder;

    public TopicCreator(TopicPlan plan,
                        @jakarta.inject.Named("default") io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder builder) {
        this.plan = plan;
        this.builder = builder;
    }

    @Override
    public void onApplicationEvent(BeforeKafkaStreamStart event) {
        if (!plan.createOnStart()) {
            LOG.info("streamrec.topics.create-on-start is false: not creating topics");
            return;
        }
        try (Admin admin = Admin.create(KafkaAccessCheck.clientConfig(builder.getConfiguration()))) {
            TopicAdmin.ensureTopics(admin, plan.topics());
        }
    }
}
