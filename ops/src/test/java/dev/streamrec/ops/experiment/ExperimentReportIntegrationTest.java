package dev.streamrec.ops.experiment;

import static dev.streamrec.ops.TestTopics.bytes;
import static dev.streamrec.ops.TestTopics.event;
import static dev.streamrec.ops.TestTopics.unique;
import static dev.streamrec.ops.TestTopics.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.kafka.testing.KafkaTestCluster;
import dev.streamrec.ops.CliRun;
import dev.streamrec.serde.Serdes;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code experiment report} on a real broker: lists and events over a time range, joined per user, as JSON and text. */
@Tag("integration")
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ExperimentReportIntegrationTest {

    private static final long T0 = 1_795_428_000_000L;

    @Test
    void shouldReportEachVariantsHitsWithinTheRangeAndTheWindow() throws Exception {
        try (KafkaTestCluster kafka = KafkaTestCluster.start()) {
            // given 40 lists per variant at T0 + i s (control: every 4th user then clicks a listed item 10 s later,
            // treatment: every 2nd), one list before the range, and an undecodable record
            String recs = unique("recommendations");
            String events = unique("user-events");
            kafka.createTopics(2, recs, events);
            List<ProducerRecord<byte[], byte[]>> lists = new ArrayList<>();
            List<ProducerRecord<byte[], byte[]>> clicks = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                String user = "u" + i;
                String variant = i % 2 == 0 ? "control" : "treatment";
                long t = T0 + i * 1000L;
                lists.add(new ProducerRecord<>(recs, null, t, bytes(user), Serdes.RECOMMENDATIONS.toBytes(list(user, t,
                        variant))));
                boolean hit = variant.equals("control") ? i % 8 == 0 : i % 4 == 1;
                if (hit) {
                    clicks.add(new ProducerRecord<>(events, null, t + 10_000, bytes(user), Serdes.USER_EVENT.toBytes(
                            event("c" + i, user, EventType.CLICK, t + 10_000))));
                }
            }
            lists.add(new ProducerRecord<>(recs, null, T0 - 60_000, bytes("early"),
                    Serdes.RECOMMENDATIONS.toBytes(list("early", T0 - 60_000, "control"))));
            lists.add(new ProducerRecord<>(recs, null, T0, bytes("junk"), bytes("not avro")));
            write(kafka.bootstrapServers(), lists);
            write(kafka.bootstrapServers(), clicks);

            // when the report runs over [T0, T0 + 80 s) with a 30 s window
            String[] args = {"-b", kafka.bootstrapServers(), "--recommendations-topic", recs, "--events-topic", events,
                    "--from", String.valueOf(T0), "--to", String.valueOf(T0 + 80_000), "--window", "PT30S"};
            CliRun json = CliRun.of(new ExperimentReportCommand(), concat(args, "--json"));
            CliRun text = CliRun.of(new ExperimentReportCommand(), args);

            // then control: 40 lists, 10 hits; treatment: 40 lists, 20 hits, lift +100%
            assertThat(json.exitCode()).as(json.err()).isZero();
            assertThat(json.err()).contains("skipped 1 undecodable record");
            JsonNode e = new ObjectMapper().readTree(json.out()).get("experiments").get(0);
            assertThat(e.get("experiment").asText()).isEqualTo("exp");
            assertThat(e.get("control").asText()).isEqualTo("control");
            JsonNode control = e.get("variants").get(0);
            JsonNode treatment = e.get("variants").get(1);
            assertThat(control.get("lists").asLong()).isEqualTo(40);
            assertThat(control.get("hits").asLong()).isEqualTo(10);
            assertThat(treatment.get("lists").asLong()).isEqualTo(40);
            assertThat(treatment.get("hits").asLong()).isEqualTo(20);
            assertThat(treatment.get("lift").asDouble()).isEqualTo(1.0);
            assertThat(treatment.get("pValue").asDouble()).isBetween(0.0, 1.0);
            assertThat(text.exitCode()).isZero();
            assertThat(text.out()).contains("experiment exp (control: control").contains("treatment").contains("+100.0%");
        }
    }

    private static Recommendations list(String user, long t, String variant) {
        return Recommendations.newBuilder().setUserId(user).setGeneratedAt(t).setModelVersion("heuristic")
                .setTriggerEventId("e-" + user).setExperiment("exp").setVariant(variant)
                .setItems(List.of(new RecommendedItem("item-1", 1.0, "trending"))).build();
    }

    private static String[] concat(String[] a, String b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
