package dev.streamrec.app.it;

import dev.streamrec.kafka.testing.KafkaTestCluster;

/**
 * One real broker for every integration test of this module, started on first use and stopped when
 * the test JVM exits. Sharing is safe because each test runs its app under its own application id
 * and topic names ({@link TestApp}); it saves a broker start per test class.
 */
final class SharedKafka {

    private static KafkaTestCluster cluster;

    private SharedKafka() {
    }

    static synchronized KafkaTestCluster cluster() {
        if (cluster == null) {
            KafkaTestCluster started = KafkaTestCluster.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (Exception e) {
                    System.err.println("closing the shared test broker failed: " + e);
                }
            }, "shared-kafka-stop"));
            cluster = started;
        }
        return cluster;
    }
}
