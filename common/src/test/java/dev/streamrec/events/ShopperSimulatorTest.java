package dev.streamrec.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import org.junit.jupiter.api.Test;

class ShopperSimulatorTest {

    @Test
    void theLastSessionClusterIsTheClusterMostViewsComeFromAndStaysForASession() {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults());
        Map<String, Integer> clusterOfSession = new HashMap<>();
        int views = 0;
        int fromCluster = 0;
        for (int i = 0; i < 20_000; i++) {
            UserEvent e = sim.next(i * 1_000L);
            int cluster = sim.lastSessionCluster();
            assertThat(clusterOfSession.computeIfAbsent(e.getSessionId().toString(), s -> cluster))
                    .as("one cluster per session").isEqualTo(cluster);
            if (e.getType() == EventType.VIEW) {
                views++;
                if (sim.clusterOf(e.getItemId().toString()) == cluster) {
                    fromCluster++;
                }
            }
        }
        // loyalty 0.85 from the session's cluster, plus the global draws that land in it (1 in 20 clusters)
        assertThat((double) fromCluster / views).isBetween(0.83, 0.90);
    }
}
