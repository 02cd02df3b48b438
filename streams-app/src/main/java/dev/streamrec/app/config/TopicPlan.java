package dev.streamrec.app.config;

import java.util.List;

import dev.streamrec.kafka.TopicSettings;

/**
 * The topics the app creates at start-up when they are missing.
 *
 * @param createOnStart {@code streamrec.topics.create-on-start}
 * @param topics        every topic with its partitions, replication and cleanup policy
 */
public record TopicPlan(boolean createOnStart, List<TopicSettings> topics) {
}
