package dev.streamrec.trainer.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import dev.streamrec.trainer.eval.Metrics;
import org.junit.jupiter.api.Test;

class GateTest {

    private static Metrics ndcg(double v) {
        return Metrics.sampled(0, v, 100);
    }

    @Test
    void publishesWithoutACurrentModelOrWithinToleranceAndRejectsBeyondIt() {
        Gate gate = new Gate(Metrics.NDCG_AT_10, 0.01);
        assertThat(gate.decide(ndcg(0.3), Optional.empty()).publish()).isTrue();
        assertThat(gate.decide(ndcg(0.395), Optional.of(ndcg(0.40))).publish()).isTrue();
        Gate.Decision worse = gate.decide(ndcg(0.38), Optional.of(ndcg(0.40)));
        assertThat(worse.publish()).isFalse();
        assertThat(worse.reason()).contains("worse beyond tolerance", "0.3800", "0.4000");
        assertThat(gate.decide(ndcg(Double.NaN), Optional.empty()).publish()).isFalse();
    }
}
