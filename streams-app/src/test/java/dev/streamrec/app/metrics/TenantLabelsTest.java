package dev.streamrec.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;

class TenantLabelsTest {

    @Test
    void shouldLabelDefaultAllowedAndFirstSeenTenantsAndTheRestOther() {
        // given 4 labels: default, the allow-listed shop-z, then two first seen
        TenantLabels labels = new TenantLabels(Set.of("shop-z"), 4);

        assertThat(labels.label("shop-a")).isEqualTo("shop-a");
        assertThat(labels.label("shop-b")).isEqualTo("shop-b");
        assertThat(labels.label("shop-c")).as("past the cap").isEqualTo(TenantLabels.OTHER);
        assertThat(labels.label("shop-z")).as("allow-listed, whenever it comes").isEqualTo("shop-z");
        assertThat(labels.label(null)).as("absent = default").isEqualTo("default");
        assertThat(labels.label("shop-a")).as("stable").isEqualTo("shop-a");
        assertThat(labels.label("shop-d")).isEqualTo(TenantLabels.OTHER);
    }

    @Test
    void shouldRefuseACapBelowOne() {
        assertThatThrownBy(() -> TenantLabels.firstSeen(0)).hasMessageContaining("streamrec.tenant-metrics.max-labels");
    }
}
