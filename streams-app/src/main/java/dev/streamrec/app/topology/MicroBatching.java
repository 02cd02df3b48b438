package dev.streamrec.app.topology;

import java.time.Duration;

/**
 * Micro-batching of the recommend step ({@code streamrec.scoring.batch-size},
 * {@code streamrec.scoring.max-wait}): valid events are buffered in the changelogged
 * {@value StreamrecTopology#SCORING_BUFFER_STORE} store and ranked together by
 * {@link Ranker#rankAll} when {@code size} are waiting (from {@code process}) or when the oldest
 * has waited {@code maxWait} (wall-clock punctuator). A size of 1 ranks each event as it comes,
 * without the buffer. See TOPOLOGY.md, "Micro-batched scoring".
 */
public record MicroBatching(int size, Duration maxWait) {

    /** Each event ranked as it arrives. */
    public static final MicroBatching NONE = new MicroBatching(1, Duration.ZERO);

    public MicroBatching {
        if (size < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + size);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("max wait must not be negative, got " + maxWait);
        }
    }

    public boolean enabled() {
        return size > 1;
    }

    /** Punctuation interval: the wait, at least a millisecond. */
    Duration punctuationInterval() {
        return maxWait.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : maxWait;
    }
}
