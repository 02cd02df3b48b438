package dev.streamrec.ops;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/** Admin calls with a deadline whose failures become one-line {@link OpsException}s. */
public final class KafkaCalls {

    /** How long one admin call may take before the command gives up. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_LISTED = 20;

    private KafkaCalls() {
    }

    /** Waits for an admin result; {@code what} says what was being done, e.g. "describe group x". */
    public static <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new OpsException("failed to " + what + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new OpsException("failed to " + what + ": no answer from Kafka within " + TIMEOUT.toSeconds()
                    + " s (are the bootstrap servers right?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException("interrupted while trying to " + what, e);
        }
    }

    /**
     * Describes topics that must exist; an unknown one fails with a message that lists what exists.
     */
    public static Map<String, TopicDescription> describeExisting(Admin admin, Collection<String> topics) {
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        Set<String> missing = new TreeSet<>(topics);
        missing.removeAll(existing);
        if (!missing.isEmpty()) {
            // listTopics hides topics the principal may not DESCRIBE: say so rather than "unknown"
            Set<String> denied = new TreeSet<>();
            admin.describeTopics(missing).topicNameValues().forEach((name, future) -> {
                try {
                    future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicAuthorizationException) {
                        denied.add(name);
                    }
                } catch (TimeoutException e) {
                    // fall through to "unknown"
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            if (!denied.isEmpty()) {
                throw new OpsException("not authorized to access topic(s) " + String.join(", ", denied)
                        + " with these client settings: the principal needs ACLs on them (DESCRIBE, and READ or WRITE)");
            }
            Set<String> sorted = new TreeSet<>(existing);
            String listed = String.join(", ", sorted.stream().limit(MAX_LISTED).toList())
                    + (sorted.size() > MAX_LISTED ? ", ... (" + sorted.size() + " in all)" : "");
            throw new OpsException((missing.size() == 1 ? "unknown topic " : "unknown topics ") + String.join(", ", missing)
                    + "; existing topics: " + (sorted.isEmpty() ? "(none)" : listed));
        }
        return await(admin.describeTopics(topics).allTopicNames(), "describe topics " + topics);
    }
}
