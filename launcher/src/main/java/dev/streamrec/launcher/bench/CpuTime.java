package dev.streamrec.launcher.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * CPU time used so far, in ns, by this JVM's Kafka Streams stream threads and by the whole process
 * (in-process broker and clients included): a phase's CPU per event does not depend on how busy the
 * shared machine is, its events/s does.
 */
final class CpuTime {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private CpuTime() {
    }

    /** The live stream threads (named {@code <client id>-StreamThread-<n>}); a thread that died no longer counts. */
    static long streamThreads() {
        long sum = 0;
        for (ThreadInfo t : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (t != null && t.getThreadName().contains("-StreamThread-")) {
                sum += Math.max(0, THREADS.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    /** The whole process, or -1 where the JVM does not tell. */
    static long process() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
