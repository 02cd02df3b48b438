package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.internal.UserHistory;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets idle users, so the user-keyed stores hold the users seen within {@code streamrec.users.idle-ttl}
 * rather than every user ever seen. Run from a wall-clock punctuation of the recommend step (which has
 * both user stores), each sweep reads at most {@code streamrec.users.ttl-sweep-limit} histories,
 * continuing where the last one stopped (a cursor in memory: after a restart it starts over, which
 * costs a scan, nothing else), and deletes history and latest recommendations of every user
 * whose newest event is older than the task's stream time minus the TTL. The deletes are store
 * deletes, so they reach the changelogs as tombstones in the task's transaction, and compaction drops
 * the users' records.
 *
 * <p>Idle is measured in stream time, not wall-clock time: importing or replaying old events must not
 * forget the users as soon as they arrive, and a task without new input forgets no one.
 */
final class UserExpiry {

    private static final Logger LOG = LoggerFactory.getLogger(UserExpiry.class);

    private final long ttlMs;
    private final int limit;
    private String cursor;

    UserExpiry(TopologySettings settings) {
        this.ttlMs = settings.userIdleTtl().toMillis();
        this.limit = settings.userTtlSweepLimit();
    }

    /** One bounded sweep; returns how many users were forgotten. */
    int sweep(long streamTime, KeyValueStore<String, UserHistory> histories,
              KeyValueStore<String, Recommendations> latest) {
        if (streamTime < 0) {
            return 0; // nothing processed yet
        }
        long cutoff = streamTime - ttlMs;
        List<String> idle = new ArrayList<>();
        int read = 0;
        String last = null;
        try (KeyValueIterator<String, UserHistory> it = cursor == null ? histories.all() : histories.range(cursor, null)) {
            while (it.hasNext() && read < limit) {
                KeyValue<String, UserHistory> kv = it.next();
                read++;
                last = kv.key;
                if (kv.value != null && History.of(kv.value).lastTimestamp() < cutoff) {
                    idle.add(kv.key);
                }
            }
            // Next sweep starts after the last key read; at the end, from the beginning again.
            cursor = it.hasNext() && last != null ? last + '\0' : null;
        }
        for (String user : idle) {
            histories.delete(user);
            latest.delete(user);
        }
        if (!idle.isEmpty()) {
            LOG.debug("forgot {} user(s) idle since before {}", idle.size(), cutoff);
        }
        return idle.size();
    }
}
