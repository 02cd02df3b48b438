package dev.streamrec.app.http;

import java.util.Map;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.KafkaStreams;
import org.reactivestreams.Publisher;
import io.micronaut.core.async.publisher.Publishers;

/**
 * Readiness ({@code GET /health/readiness}, and part of {@code /health}): UP only while Kafka
 * Streams is RUNNING, so a load balancer sends no queries to an instance that is starting,
 * restoring or rebalancing. {@code health.BrokerReadiness} adds the cluster's answer to readiness;
 * liveness is {@code health.StreamsLiveness} (ERROR, stopped, or stream threads that keep dying).
 */
@Singleton
@Readiness
class StreamsReadiness implements HealthIndicator {

    private final KafkaStreams streams;

    StreamsReadiness(@Named("default") KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        KafkaStreams.State state = streams.state();
        return Publishers.just(HealthResult.builder("streamrec-streams")
                .status(state == KafkaStreams.State.RUNNING ? HealthStatus.UP : HealthStatus.DOWN)
                .details(Map.of("state", state.name()))
                .build());
    }
}
