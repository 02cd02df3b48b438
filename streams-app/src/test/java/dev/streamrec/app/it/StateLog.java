package dev.streamrec.app.it;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.kafka.streams.KafkaStreams;

/**
 * Samples a Kafka Streams client's state every 20 ms in a background thread (a client takes only one
 * state listener, and micronaut-kafka owns it) and keeps the transitions with their times, so a test
 * can tell how long the app was out of RUNNING.
 */
final class StateLog implements AutoCloseable {

    /** The client entered {@code state} at {@code atMillis}. */
    record Transition(KafkaStreams.State state, long atMillis) {
    }

    private final List<Transition> transitions = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    StateLog(Supplier<KafkaStreams> streams) {
        thread = new Thread(() -> {
            KafkaStreams.State last = null;
            while (!stopped) {
                KafkaStreams.State now = streams.get().state();
                if (now != last) {
                    synchronized (transitions) {
                        transitions.add(new Transition(now, System.currentTimeMillis()));
                    }
                    last = now;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "streams-state-log");
        thread.setDaemon(true);
        thread.start();
    }

    List<Transition> transitions() {
        synchronized (transitions) {
            return List.copyOf(transitions);
        }
    }

    /** The longest time out of RUNNING between {@code fromMillis} and {@code toMillis}. */
    long longestOutOfRunningMillis(long fromMillis, long toMillis) {
        List<Transition> all = transitions();
        KafkaStreams.State atStart = null;
        for (Transition t : all) {
            if (t.atMillis() <= fromMillis) {
                atStart = t.state();
            }
        }
        Long leftAt = atStart != null && atStart != KafkaStreams.State.RUNNING ? fromMillis : null;
        long longest = 0;
        for (Transition t : all) {
            if (t.atMillis() <= fromMillis || t.atMillis() > toMillis) {
                continue;
            }
            if (t.state() != KafkaStreams.State.RUNNING) {
                leftAt = leftAt == null ? t.atMillis() : leftAt;
            } else if (leftAt != null) {
                longest = Math.max(longest, t.atMillis() - leftAt);
                leftAt = null;
            }
        }
        return leftAt == null ? longest : Math.max(longest, toMillis - leftAt);
    }

    /** Transitions as text, times relative to {@code originMillis}. */
    String describe(long originMillis) {
        List<String> parts = new ArrayList<>();
        for (Transition t : transitions()) {
            parts.add(String.format("%+.1fs %s", (t.atMillis() - originMillis) / 1000.0, t.state()));
        }
        return String.join(", ", parts);
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join(5_000);
    }
}
