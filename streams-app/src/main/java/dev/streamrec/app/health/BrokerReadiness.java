package dev.streamrec.app.health;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Readiness;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.reactivestreams.Publisher;

/**
 * Readiness ({@code GET /health/readiness}): DOWN while the cluster does not answer. Kafka Streams
 * stays RUNNING through a broker outage (its threads just retry), so its state alone kept readiness
 * UP for a 39 s outage. This asks the cluster for its nodes ({@code describeCluster}) with
 * {@code streamrec.health.broker-check-timeout}, at most once per
 * {@code streamrec.health.broker-check-interval} (the answer is cached in between, so a busy probe
 * costs the broker nothing), on an admin client with the streams' own connection settings.
 */
@Singleton
@Readiness
public class BrokerReadiness implements HealthIndicator {

    private final Properties streamsConfig;
    private final Duration timeout;
    private final long intervalNanos;
    private Admin admin;
    private long checkedAt;
    private HealthResult last;

    public BrokerReadiness(@Named("default") ConfiguredStreamBuilder builder,
                           @Value("${streamrec.health.broker-check-timeout}") Duration timeout,
                           @Value("${streamrec.health.broker-check-interval}") Duration interval) {
        this.streamsConfig = builder.getConfiguration();
        this.timeout = timeout;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public Publisher<HealthResult> getResult() {
        return Publishers.just(check());
    }

    synchronized HealthResult check() {
        long now = System.nanoTime();
        if (last != null && now - checkedAt < intervalNanos) {
            return last;
        }
        HealthResult.Builder result = HealthResult.builder("streamrec-broker");
        try {
            int nodes = admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).size();
            result.status(nodes > 0 ? HealthStatus.UP : HealthStatus.DOWN).details(Map.of("brokers", nodes));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.status(HealthStatus.DOWN).details(Map.of("error", "interrupted"));
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            result.status(HealthStatus.DOWN).details(Map.of("error", "no answer from the cluster within " + timeout
                    + ": " + cause.getClass().getSimpleName()));
        }
        last = result.build();
        checkedAt = System.nanoTime();
        return last;
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new HashMap<>();
            for (String name : AdminClientConfig.configNames()) {
                Object v = streamsConfig.get(name);
                if (v != null) {
                    config.put(name, v);
                }
            }
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "streamrec-readiness");
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis() + 1000);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            admin = Admin.create(config);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }
}
