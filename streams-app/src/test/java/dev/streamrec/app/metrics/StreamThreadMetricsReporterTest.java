package dev.streamrec.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka metrics as Kafka Streams registers them, through the reporter into Micrometer: one series per
 * stream thread, the thread's commit metrics rather than the consumer's, and a stopped thread's
 * series gone.
 */
class StreamThreadMetricsReporterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private StreamThreadMetricsReporter reporter;
    private Metrics metrics;

    @BeforeEach
    void start() {
        reporter = new StreamThreadMetricsReporter();
        reporter.configure(Map.of("meter.registry", registry));
        metrics = new Metrics(new MetricConfig(), List.of(reporter), Time.SYSTEM);
    }

    @AfterEach
    void stop() {
        metrics.close();
    }

    @Test
    void closesWithoutAnError() {
        // given a reporter that Kafka's Metrics initialised with its metrics
        thread("app-StreamThread-1", "process", 1);

        // then closing it (as every client does on shutdown) throws nothing: Metrics.close would log it as an error
        assertThatCode(reporter::close).doesNotThrowAnyException();
    }

    @Test
    void eachStreamThreadHasItsOwnSeries() {
        // given two stream threads that processed 3 and 5 records
        thread("app-StreamThread-1", "process", 3);
        thread("app-StreamThread-2", "process", 5);

        // then each has its own process rate and total, labelled with its id
        assertThat(registry.find("kafka-streams.process-rate").gauges()).hasSize(2);
        assertThat(registry.get("kafka-streams.process-total").tag("thread-id", "app-StreamThread-1")
                .gauge().value()).isEqualTo(3);
        assertThat(registry.get("kafka-streams.process-total").tag("thread-id", "app-StreamThread-2")
                .gauge().value()).isEqualTo(5);
    }

    @Test
    void theCommitSeriesAreTheStreamThreadsNotTheConsumers() {
        // given the consumer's coordinator metrics first (as Kafka Streams creates the consumer before
        // the thread's sensors), then the thread's commits
        Sensor consumerCommits = metrics.sensor("consumer-commits");
        consumerCommits.add(metrics.metricName("commit-rate", "consumer-coordinator-metrics", "",
                Map.of("client-id", "app-StreamThread-1-consumer")), new Rate());
        consumerCommits.add(metrics.metricName("commit-total", "consumer-coordinator-metrics", "",
                Map.of("client-id", "app-StreamThread-1-consumer")), new CumulativeSum());
        thread("app-StreamThread-1", "commit", 4);

        // then the commit series are the thread's (the consumer never commits under exactly-once)
        List<Gauge> commits = registry.find("kafka-streams.commit-total").gauges().stream().toList();
        assertThat(commits).singleElement()
                .satisfies(g -> assertThat(g.getId().getTag("thread-id")).isEqualTo("app-StreamThread-1"))
                .satisfies(g -> assertThat(g.value()).isEqualTo(4));
        assertThat(registry.find("kafka-streams.commit-rate").tag("client-id", "app-StreamThread-1-consumer")
                .meters()).isEmpty();
    }

    @Test
    void aStoppedThreadTakesItsSeriesWithIt() {
        // given two threads
        thread("app-StreamThread-1", "process", 1);
        thread("app-StreamThread-2", "process", 1);

        // when the first stops (a replaced thread, a shutdown)
        metrics.removeSensor("app-StreamThread-1-process");

        // then only the second's series remain
        assertThat(registry.find("kafka-streams.process-rate").gauges())
                .singleElement().satisfies(g -> assertThat(g.getId().getTag("thread-id")).isEqualTo("app-StreamThread-2"));
    }

    @Test
    void aTaskLeavingItsThreadKeepsTheThreadsSeries() {
        // given a thread and a task-level metric of the same name on it
        thread("app-StreamThread-1", "process", 2);
        Sensor task = metrics.sensor("task-0_1-process");
        task.add(metrics.metricName("process-total", "stream-task-metrics", "",
                Map.of("thread-id", "app-StreamThread-1", "task-id", "0_1")), new CumulativeSum());

        // when the task moves away
        metrics.removeSensor("task-0_1-process");

        // then the thread's series stays
        assertThat(registry.get("kafka-streams.process-total").tag("thread-id", "app-StreamThread-1")
                .gauge().value()).isEqualTo(2);
    }

    /** A stream thread's {@code <op>-rate} and {@code <op>-total}, recorded {@code n} times. */
    private void thread(String threadId, String op, int n) {
        Sensor sensor = metrics.sensor(threadId + "-" + op);
        Map<String, String> tags = Map.of("thread-id", threadId);
        sensor.add(metrics.metricName(op + "-rate", "stream-thread-metrics", "", tags), new Rate());
        sensor.add(metrics.metricName(op + "-total", "stream-thread-metrics", "", tags), new CumulativeSum());
        for (int i = 0; i < n; i++) {
            sensor.record();
        }
    }
}
