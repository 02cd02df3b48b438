package dev.streamrec.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamrec.console.CommandError;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the topics the configuration names, leaving existing ones alone; checks that a topic exists. */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    /** Topic names listed at most in {@link #requireExists}'s message. */
    private static final int MAX_LISTED = 10;

    private TopicAdmin() {
    }

    public static void ensureTopics(String bootstrapServers, Collection<TopicSettings> topics) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            ensureTopics(admin, topics);
        }
    }

    public static void ensureTopics(Admin admin, Collection<TopicSettings> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), t.replicationFactor())
                            .configs(t.creationConfigs()))
                    .toList();
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // another instance won the race
                    throw e;
                }
            }
            LOG.info("created topics {}", missing.stream().map(NewTopic::name).toList());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("failed to create topics " + topics.stream().map(TopicSettings::name).toList()
                    + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        }
    }

    /**
     * Fails a command that is about to write to {@code topic} when the cluster does not have it. A producer would
     * otherwise wait for the topic's metadata for a minute (max.block.ms), logging a warning every few hundred ms,
     * or, on a cluster with auto.create.topics.enable, create it with the broker's default partitions.
     *
     * @param source where the name came from, for the message (e.g. "--topic")
     * @throws CommandError naming the topic and the topics that exist, when it is missing or the list cannot be read
     */
    public static void requireExists(String bootstrapServers, String topic, String source) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        Set<String> existing;
        try (Admin admin = Admin.create(p)) {
            existing = new TreeSet<>(admin.listTopics().names().get(10, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException e) {
            throw new CommandError("cannot list the topics at " + bootstrapServers + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : "no answer within 10 s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandError("interrupted while listing the topics at " + bootstrapServers);
        }
        if (existing.contains(topic)) {
            return;
        }
        String listed = existing.isEmpty() ? "(none)" : String.join(", ", existing.stream().limit(MAX_LISTED).toList())
                + (existing.size() > MAX_LISTED ? ", ... (" + existing.size() + " in all)" : "");
        throw new CommandError("topic " + topic + " (" + source + ") does not exist at " + bootstrapServers
                + "; the streams app creates its topics when it starts. Existing topics: " + listed);
    }
}
