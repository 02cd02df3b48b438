package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.serde.Serdes;
import org.junit.jupiter.api.Test;

class LatestRecommendationsSerdeTest {

    private static Recommendations tenItems() {
        List<RecommendedItem> items = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String reason = i < 7 ? CandidateGenerator.COVISITED_PREFIX + "item-" + (100 + i % 3) : CandidateGenerator.TRENDING_REASON;
            items.add(new RecommendedItem("item-" + (1000 + i), 1.0 / (i + 1) + 1e-13, reason));
        }
        return new Recommendations("user-42", 1_795_000_000_123L, "heuristic", "6f1c2b0e-3a0e-4c55-9a51-0c6e1d1f6c2a", items,
                "checkout-ab", "model", "default");
    }

    @Test
    void shouldRoundTripExactlyInLessThanFourFifthsOfTheAvroSize() {
        Recommendations r = tenItems();
        byte[] packed = LatestRecommendationsSerde.pack(r);
        assertThat(LatestRecommendationsSerde.unpack(packed)).isEqualTo(r);
        int avro = Serdes.RECOMMENDATIONS.toBytes(r).length;
        assertThat(packed.length).as("packed %d vs Avro %d bytes", packed.length, avro).isLessThan(avro * 80 / 100);
    }

    @Test
    void shouldReadValuesWrittenInAvroBeforeAndRoundTripAnEmptyList() {
        Recommendations r = tenItems();
        assertThat(LatestRecommendationsSerde.unpack(Serdes.RECOMMENDATIONS.toBytes(r))).isEqualTo(r);
        Recommendations empty = new Recommendations("u", 0L, "m", "e", List.of(), "", "", "default");
        assertThat(LatestRecommendationsSerde.unpack(LatestRecommendationsSerde.pack(empty))).isEqualTo(empty);
    }

    @Test
    void shouldReadAPackedValueWrittenBeforeExperimentsAsOutsideAnyExperiment() {
        Recommendations r = tenItems();
        byte[] v2 = LatestRecommendationsSerde.pack(r);
        // a version-1 value: first byte 0x01 and no experiment/variant strings at the end
        byte[] v1 = java.util.Arrays.copyOf(v2, v2.length - 1 - "checkout-ab".length() - 1 - "model".length());
        v1[0] = 0x01;
        Recommendations read = LatestRecommendationsSerde.unpack(v1);
        assertThat(read.getItems()).isEqualTo(r.getItems());
        assertThat(read.getExperiment()).isEmpty();
        assertThat(read.getVariant()).isEmpty();
    }

    @Test
    void shouldRefuseATruncatedOrForeignValue() {
        byte[] packed = LatestRecommendationsSerde.pack(tenItems());
        assertThatThrownBy(() -> LatestRecommendationsSerde.unpack(java.util.Arrays.copyOf(packed, packed.length - 5)))
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> LatestRecommendationsSerde.unpack(new byte[] {0x7f, 1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first byte");
    }
}
