package dev.streamrec.trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.train.TrainingSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Small generated data and fast settings shared by the trainer's tests. */
public final class Fixtures {

    public static final long START = 1_700_000_000_000L;

    private Fixtures() {
    }

    /** Simulated shoppers' events, 20 s apart. */
    public static List<UserEvent> events(int users, int items, int count, long seed) {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults()
                .withUsers(users).withItems(items).withSeed(seed));
        List<UserEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(sim.next(START + i * 20_000L));
        }
        return out;
    }

    public static EventLog log(int users, int items, int count, long seed) {
        return EventLog.of(events(users, items, count, seed), "simulator");
    }

    /** Quick settings: small model, few epochs. */
    public static TrainingSettings quick() {
        return TrainingSettings.defaults().withDim(16).withMaxHistory(10).withMaxEpochs(3)
                .withOptimiser(128, 32, 0.01f, 1e-5f);
    }

    /** Publishes {@code events} to the user-events topic as the app's producers key them (the tenant-scoped user). */
    public static void publish(String bootstrapServers, Topics topics, List<UserEvent> events) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        try (KafkaProducer<String, UserEvent> producer = new KafkaProducer<>(p, topics.userEvents().keySerde().serializer(),
                topics.userEvents().valueSerde().serializer())) {
            for (UserEvent e : events) {
                producer.send(new ProducerRecord<>(topics.userEvents().name(), null, e.getTimestamp(),
                        TenantKeys.scope(e.getTenantId(), e.getUserId()), e));
            }
            producer.flush();
        }
    }

    /** Hand-made purchase sequences (user → items, oldest first, one ms apart) as a log, users in id order. */
    public static EventLog purchases(java.util.Map<String, List<String>> sequences) {
        java.util.Map<String, List<dev.streamrec.onnx.HistoryEvent>> users = new java.util.LinkedHashMap<>();
        new java.util.TreeMap<>(sequences).forEach((u, items) -> {
            long t = 0;
            List<dev.streamrec.onnx.HistoryEvent> seq = new ArrayList<>();
            for (String i : items) {
                seq.add(new dev.streamrec.onnx.HistoryEvent(i, dev.streamrec.avro.EventType.PURCHASE, t++));
            }
            users.put(u, seq);
        });
        return new EventLog(users, "hand-made");
    }
}
