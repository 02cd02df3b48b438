package dev.streamrec.app.config;

import java.time.Duration;

import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import io.micronaut.context.annotation.Context;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes Kafka Streams when the context closes, before micronaut-kafka does (this bean depends on
 * the {@code KafkaStreams} bean, so it is destroyed first), leaving the consumer group when
 * {@code streamrec.streams.leave-group-on-close} is true (the default). Kafka Streams otherwise
 * stays a group member until {@code session.timeout.ms} (45 s) runs out, and the partitions of a
 * stopped instance wait that long for a new owner; with static membership
 * ({@code group.instance.id}) for rolling restarts, set it to false. micronaut-kafka's own close
 * afterwards is a no-op.
 */
@Context
@Singleton
public class StreamsShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsShutdown.class);

    private final KafkaStreams streams;
    private final boolean leaveGroup;
    private final Duration timeout;

    public StreamsShutdown(@Named("default") KafkaStreams streams,
                           @Value("${streamrec.streams.leave-group-on-close}") boolean leaveGroup,
                           @Value("${kafka.streams.default.close-timeout:30s}") Duration timeout) {
        this.streams = streams;
        this.leaveGroup = leaveGroup;
        this.timeout = timeout;
    }

    @PreDestroy
    void close() {
        long start = System.nanoTime();
        boolean closed = streams.close(CloseOptions.timeout(timeout).withGroupMembershipOperation(leaveGroup
                ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP));
        LOG.info("Kafka Streams {} in {} ms (left group: {})", closed ? "closed" : "did not close within " + timeout,
                (System.nanoTime() - start) / 1_000_000, leaveGroup);
    }
}
