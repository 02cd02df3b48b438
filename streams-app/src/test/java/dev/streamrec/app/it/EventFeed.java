package dev.streamrec.app.it;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Valid events sent to the input topic at a steady rate from a background thread, as a shop's
 * backend would keep sending while the test breaks things: an idempotent {@code acks=all} producer
 * whose retries cover a broker outage. Remembers when each event was sent, and any event the
 * producer gave up on (a test asserts there is none, so that a missing list is the app's fault).
 */
final class EventFeed implements AutoCloseable {

    private final List<UserEvent> events;
    private final Map<String, Long> sentAtMillis = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private volatile boolean stopped;

    /** Starts sending {@code events} in order to {@code topic} at {@code perSecond}. */
    EventFeed(String bootstrap, String topic, List<UserEvent> events, int perSecond) {
        this(bootstrap, topic, events, perSecond, Map.of());
    }

    /** The same with extra client settings (security). */
    EventFeed(String bootstrap, String topic, List<UserEvent> events, int perSecond, Map<String, String> clientSettings) {
        this.events = events;
        Map<String, Object> config = new java.util.HashMap<>(clientSettings);
        config.putAll(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                // longer than any outage a test makes: the producer retries instead of dropping
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 180_000));
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(() -> run(topic, perSecond), "event-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(String topic, int perSecond) {
        long start = System.nanoTime();
        for (int i = 0; i < events.size() && !stopped; i++) {
            long due = start + i * 1_000_000_000L / perSecond;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
            }
            UserEvent e = events.get(i);
            sentAtMillis.put(e.getEventId(), System.currentTimeMillis());
            producer.send(new ProducerRecord<>(topic, null, e.getTimestamp(), e.getUserId().getBytes(StandardCharsets.UTF_8),
                    Serdes.USER_EVENT.toBytes(e)), (meta, error) -> {
                if (error != null) {
                    failures.add(e.getEventId() + ": " + error);
                }
            });
            sent.incrementAndGet();
        }
    }

    /** Stops sending, waits until everything sent is acknowledged, and returns the events sent. */
    List<UserEvent> stop() throws InterruptedException {
        stopped = true;
        thread.join();
        producer.flush();
        return List.copyOf(events.subList(0, sent.get()));
    }

    int sent() {
        return sent.get();
    }

    /** Wall-clock time the event was handed to the producer, or null if not yet. */
    Long sentAt(String eventId) {
        return sentAtMillis.get(eventId);
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        producer.close();
    }
}
