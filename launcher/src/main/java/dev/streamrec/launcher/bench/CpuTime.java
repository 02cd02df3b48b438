package dev.streamrec.launcher.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongUnaryOperator;

/**
 * CPU time used so far, in ns, by this JVM's Kafka Streams stream threads and by the whole process
 * (in-process broker and clients included): a phase's CPU per event does not depend on how busy the
 * shared machine is, its events/s does. Likewise the bytes the stream threads allocated (what feeds the
 * collector, whose pauses stop broker, app and load generator alike) and the collector's pauses.
 */
final class CpuTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTime() {
    }

    /** The live stream threads (named {@code <client id>-StreamThread-<n>}); a thread that died no longer counts. */
    static long streamThreads() {
        return sumOverStreamThreads(THREADS::getThreadCpuTime);
    }

    /**
     * Bytes allocated so far by the live stream threads, or -1 where the JVM does not tell. Unlike events/s it
     * hardly moves with the machine's load: the ruler for allocation cuts on the hot path.
     */
    static long streamThreadsAllocated() {
        if (!(THREADS instanceof com.sun.management.ThreadMXBean t) || !t.isThreadAllocatedMemoryEnabled()) {
            return -1;
        }
        return sumOverStreamThreads(t::getThreadAllocatedBytes);
    }

    /** {@code perThread} (negative: not told) summed over the live stream threads. */
    private static long sumOverStreamThreads(LongUnaryOperator perThread) {
        long sum = 0;
        for (ThreadInfo i : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (i != null && i.getThreadName().contains("-StreamThread-")) {
                sum += Math.max(0, perThread.applyAsLong(i.getThreadId()));
            }
        }
        return sum;
    }

    /**
     * Collections so far per collector ({@code G1 Young Generation}, {@code G1 Concurrent GC}, ...): count and
     * accumulated time in ms as the JVM reports it (for G1's young and full collections the pauses; its
     * concurrent collector's time is the concurrent cycles').
     */
    static Map<String, long[]> gc() {
        Map<String, long[]> out = new TreeMap<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            out.put(gc.getName(), new long[] {Math.max(0, gc.getCollectionCount()), Math.max(0, gc.getCollectionTime())});
        }
        return out;
    }

    /** {@link #gc()} now less {@code before}: {@code {"count": n, "ms": t}} per collector. */
    static Map<String, Map<String, Long>> gcSince(Map<String, long[]> before) {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        gc().forEach((name, now) -> {
            long[] then = before.getOrDefault(name, new long[2]);
            out.put(name, Map.of("count", now[0] - then[0], "ms", now[1] - then[1]));
        });
        return out;
    }

    /**
     * Milliseconds the JIT compilers have spent so far (0 where the JVM does not tell): in a bench of a
     * few minutes they still compile, on the cores the app needs.
     */
    static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** The whole process, or -1 where the JVM does not tell. */
    static long process() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
