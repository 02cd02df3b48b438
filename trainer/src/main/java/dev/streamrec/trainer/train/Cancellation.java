package dev.streamrec.trainer.train;

import java.util.concurrent.CancellationException;

/**
 * A retrain ends at its next step once its thread is interrupted: {@code TrainerService.close()}
 * interrupts a run in progress instead of waiting for it. The loops of training and evaluation call
 * {@link #check()} once per batch, so a stop costs at most one batch.
 */
public final class Cancellation {

    private Cancellation() {
    }

    /** Throws {@link CancellationException} when the current thread was interrupted (the flag stays set). */
    public static void check() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("interrupted: the retrain was cancelled");
        }
    }
}
