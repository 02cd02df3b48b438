package dev.streamrec.ops.replay;

/**
 * Spaces out permits evenly at a fixed rate, without bursts: the n-th permit is granted no earlier
 * than {@code start + n / rate}. Not thread-safe (one replay loop uses it).
 */
public final class RateLimiter {

    private final double perSecond;
    private long startNanos = -1;
    private long granted;

    /** @param perSecond permits per second; 0 or less means no limit */
    public RateLimiter(double perSecond) {
        this.perSecond = perSecond;
    }

    public void acquire() throws InterruptedException {
        if (perSecond <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        long due = startNanos + (long) (granted * 1e9 / perSecond);
        granted++;
        long waitNanos = due - now;
        if (waitNanos > 0) {
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }
}
