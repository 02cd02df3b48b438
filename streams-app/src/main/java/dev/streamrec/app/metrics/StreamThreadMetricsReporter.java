package dev.streamrec.app.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micronaut.configuration.kafka.streams.metrics.KafkaStreamsMetricsReporter;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * micronaut-kafka's Kafka Streams metrics reporter, with each stream thread's series kept apart by a
 * {@code thread_id} label. The stock reporter keeps only the {@code client-id}, {@code topic} and
 * {@code node-id} tags, so the thread-level metrics ({@code kafka_streams_process_rate},
 * {@code kafka_streams_process_latency_avg}) of every thread fell onto one unlabelled meter, the first
 * thread's: with two stream threads the dashboards showed half of each instance. Per thread, a
 * {@code sum by (instance)} is the instance's rate again.
 *
 * <p>It also leaves out the consumers' own {@code commit-*} metrics, whose names the stream threads'
 * share: they registered first and took the {@code kafka_streams_commit_*} series, which under
 * exactly-once stay at 0 (offsets commit through the producer's transaction, never the consumer).
 * The stream thread's commit rate and latency (flush, then the transaction commit) are what matter.
 *
 * <p>Named in {@code kafka.streams.default.metric.reporters} (application.yml); micronaut-kafka then
 * keeps it instead of its own and still hands it the meter registry ({@code meter.registry}).
 */
public class StreamThreadMetricsReporter extends KafkaStreamsMetricsReporter {

    private static final String THREAD_ID = "thread-id";
    private static final String THREAD_GROUP = "stream-thread-metrics";
    private static final String CONSUMER_COORDINATOR_GROUP = "consumer-coordinator-metrics";
    private static final String PREFIX = "kafka-streams.";

    /** The registries the parent binds to (its own list is private): where {@link #metricRemoval} removes. */
    private final Collection<MeterRegistry> registries = new ConcurrentLinkedQueue<>();

    @Override
    protected Set<String> getIncludedTags() {
        Set<String> tags = super.getIncludedTags();
        tags.add(THREAD_ID);
        return tags;
    }

    @Override
    public void init(List<KafkaMetric> metrics) {
        // A mutable list: the parent keeps it and clears it on close.
        super.init(metrics.stream().filter(m -> !shadowsAThreadMetric(m.metricName()))
                .collect(Collectors.toCollection(ArrayList::new)));
    }

    @Override
    public void metricChange(KafkaMetric metric) {
        if (!shadowsAThreadMetric(metric.metricName())) {
            super.metricChange(metric);
        }
    }

    /** The consumers' commit metrics, whose names the stream threads' share (see the class comment). */
    private static boolean shadowsAThreadMetric(MetricName name) {
        return CONSUMER_COORDINATOR_GROUP.equals(name.group()) && name.name().startsWith("commit-");
    }

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        if (configs.get("meter.registry") instanceof MeterRegistry registry) {
            registries.add(registry);
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        super.bindTo(registry);
        if (!registries.contains(registry)) {
            registries.add(registry);
        }
    }

    /**
     * A replaced or stopped stream thread takes its thread-level series with it, rather than leaving a
     * dead thread's last values in the sums. Task and store metrics are left alone: several tasks of a
     * thread share one meter (no task label), so one task leaving must not remove it.
     */
    @Override
    public void metricRemoval(KafkaMetric metric) {
        MetricName name = metric.metricName();
        String thread = name.tags().get(THREAD_ID);
        if (!THREAD_GROUP.equals(name.group()) || thread == null) {
            return;
        }
        Set<String> included = getIncludedTags();
        List<Tag> tags = new ArrayList<>();
        name.tags().forEach((k, v) -> {
            if (included.contains(k)) {
                tags.add(Tag.of(k, v));
            }
        });
        for (MeterRegistry registry : registries) {
            registry.find(PREFIX + name.name()).tags(tags).meters().stream()
                    .filter(m -> m.getId().getTags().size() == tags.size())
                    .forEach(registry::remove);
        }
    }

    @Override
    public void close() {
        registries.clear();
        super.close();
    }
}
