package dev.streamrec.app.health;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import io.micronaut.configuration.kafka.streams.event.BeforeKafkaStreamStart;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts stream threads that die of an uncaught exception. Installed as Kafka Streams' uncaught
 * exception handler just before it starts (replacing micronaut-kafka's, with the same configured
 * response, {@code kafka.streams.default.uncaught-exception-handler}, REPLACE_THREAD by default), it
 * logs one line per death and remembers when it happened, so {@link StreamsLiveness} can tell a
 * one-off failure from a record that kills every replacement thread. Under REPLACE_THREAD the
 * client stays RUNNING through such a loop, so its state alone never shows it.
 *
 * <p>Prometheus: {@code streamrec_stream_thread_failures_total}.
 */
@Singleton
public class StreamThreadFailures implements ApplicationEventListener<BeforeKafkaStreamStart> {

    private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);

    private final StreamThreadExceptionResponse response;
    private final Duration window;
    private final Deque<Long> recent = new ArrayDeque<>();
    private final AtomicLong total = new AtomicLong();

    public StreamThreadFailures(@Value("${kafka.streams.default.uncaught-exception-handler:REPLACE_THREAD}") String response,
                                @Value("${streamrec.health.thread-failure-window}") Duration window,
                                MeterRegistry registry) {
        this.response = StreamThreadExceptionResponse.valueOf(response.trim().toUpperCase(Locale.ROOT));
        this.window = window;
        FunctionCounter.builder("streamrec.stream.thread.failures", total, AtomicLong::get)
                .description("Stream threads that died of an uncaught exception since start").register(registry);
    }

    @Override
    public void onApplicationEvent(BeforeKafkaStreamStart event) {
        event.getKafkaStreams().setUncaughtExceptionHandler(handler());
    }

    /** The handler Kafka Streams calls when a stream thread dies. */
    StreamsUncaughtExceptionHandler handler() {
        return exception -> {
            int inWindow = record(System.nanoTime());
            Throwable root = exception;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            LOG.error("stream thread {} died ({} in the last {}), response {}: {}", Thread.currentThread().getName(),
                    inWindow, window, response, root.toString());
            return response;
        };
    }

    /** Stream threads that died within the window ending now. */
    public synchronized int recentFailures() {
        prune(System.nanoTime());
        return recent.size();
    }

    /** Stream threads that died since start. */
    public long totalFailures() {
        return total.get();
    }

    public Duration window() {
        return window;
    }

    private synchronized int record(long nowNanos) {
        total.incrementAndGet();
        recent.addLast(nowNanos);
        prune(nowNanos);
        return recent.size();
    }

    private void prune(long nowNanos) {
        while (!recent.isEmpty() && nowNanos - recent.peekFirst() > window.toNanos()) {
            recent.removeFirst();
        }
    }
}
