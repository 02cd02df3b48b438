package dev.streamrec.app.health;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import io.micronaut.context.annotation.Value;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.KafkaStreams;
import org.reactivestreams.Publisher;

/**
 * Liveness ({@code GET /health/liveness}): DOWN when this instance will not process again by itself,
 * so an orchestrator restarts it. That is Kafka Streams in ERROR or stopped, or more than
 * {@code streamrec.health.max-thread-failures} stream threads dead within
 * {@code streamrec.health.thread-failure-window} ({@link StreamThreadFailures}): a record that kills
 * every replacement thread keeps the client RUNNING while nothing gets through. Rebalancing,
 * restoring and a broker outage are not reasons to restart: readiness covers those.
 */
@Singleton
@Liveness
public class StreamsLiveness implements HealthIndicator {

    /** States from which Kafka Streams does not come back to RUNNING on its own. */
    private static final Set<KafkaStreams.State> DEAD = EnumSet.of(KafkaStreams.State.ERROR,
            KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING);

    private final KafkaStreams streams;
    private final StreamThreadFailures failures;
    private final int maxFailures;

    public StreamsLiveness(@Named("default") KafkaStreams streams, StreamThreadFailures failures,
                           @Value("${streamrec.health.max-thread-failures}") int maxFailures) {
        this.streams = streams;
        this.failures = failures;
        this.maxFailures = maxFailures;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        KafkaStreams.State state = streams.state();
        int recent = failures.recentFailures();
        boolean alive = !DEAD.contains(state) && recent <= maxFailures;
        return Publishers.just(HealthResult.builder("streamrec-liveness")
                .status(alive ? HealthStatus.UP : HealthStatus.DOWN)
                .details(Map.of("state", state.name(), "threadFailuresInWindow", recent,
                        "maxThreadFailures", maxFailures, "window", failures.window().toString(),
                        "threadFailuresTotal", failures.totalFailures()))
                .build());
    }
}
