package dev.streamrec.ops.reset;

import java.time.Instant;
import java.util.List;

/**
 * What to reset.
 *
 * @param applicationId        the Kafka Streams {@code application.id}, which is also its group id
 * @param inputTopics          input topics whose committed offsets move to {@code toTime}
 * @param toTime               each partition goes to its first offset with a timestamp at or after this
 *                             (its end offset when there is none)
 * @param deleteInternalTopics also delete the application's changelog and repartition topics
 *                             ({@code <application.id>-...-changelog|-repartition}), so state is rebuilt
 *                             from the input alone
 * @param dryRun               plan only, change nothing
 */
public record ResetSpec(String applicationId, List<String> inputTopics, Instant toTime, boolean deleteInternalTopics,
                        boolean dryRun) {

    public ResetSpec {
        if (applicationId == null || applicationId.isBlank()) {
            throw new IllegalArgumentException("an application id is required");
        }
        if (inputTopics == null || inputTopics.isEmpty()) {
            throw new IllegalArgumentException("at least one input topic is required");
        }
        if (toTime == null) {
            throw new IllegalArgumentException("a time to reset to is required");
        }
        inputTopics = List.copyOf(inputTopics);
    }
}
