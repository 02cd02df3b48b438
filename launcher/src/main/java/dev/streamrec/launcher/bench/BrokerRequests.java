package dev.streamrec.launcher.bench;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;

import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Requests the in-process broker has handled so far, by API ({@code Produce}, {@code Fetch},
 * {@code EndTxn} ...), read from its request metrics in this JVM's platform MBean server: where a
 * latency phase's broker CPU goes (one produce request per event at linger 0, a fetch per poll of
 * each consumer, a transaction's requests per commit). Empty for a broker outside this JVM.
 */
final class BrokerRequests {

    private BrokerRequests() {
    }

    /** Cumulative request counts by API, summed over the API versions. */
    static Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            for (ObjectName name : server.queryNames(
                    new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*"), null)) {
                String api = name.getKeyProperty("request");
                if (api != null && server.getAttribute(name, "Count") instanceof Number n) {
                    out.merge(api, n.longValue(), Long::sum);
                }
            }
        } catch (Exception e) { // a metric removed while read: leave the figure out rather than fail the bench
            return out;
        }
        return out;
    }

    /** {@link #counts()} now less {@code before}, APIs with no request in between left out. */
    static Map<String, Long> since(Map<String, Long> before) {
        Map<String, Long> out = new TreeMap<>();
        counts().forEach((api, n) -> {
            long d = n - before.getOrDefault(api, 0L);
            if (d > 0) {
                out.put(api, d);
            }
        });
        return out;
    }
}
