package dev.streamrec.app.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.ExperimentVariant;
import dev.streamrec.avro.VariantRanker;
import org.junit.jupiter.api.Test;

class AssignmentTest {

    @Test
    void shouldKeepTheBucketsOfEveryVersionSoAssignmentsSurviveUpgrades() {
        // sha256("s1:u-1")[0..8] as a signed big-endian long, floorMod 10000 (computed independently, in Python)
        assertThat(Assignment.bucket("s1", "u-1")).isEqualTo(4562);
        assertThat(Assignment.bucket("s1", "u-2")).isEqualTo(516);
        assertThat(Assignment.bucket("replay", "42")).isEqualTo(2070);
    }

    @Test
    void shouldSplitUsersByTheSharesAndLeaveTheRestOutside() {
        Experiment e = experiment(true, 50, 30, 10);
        Map<String, Integer> counts = new HashMap<>();
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            ExperimentVariant v = Assignment.variant(e, "user-" + i);
            counts.merge(v == null ? "" : v.getName(), 1, Integer::sum);
        }
        assertThat(counts.get("v0") / (double) n).isCloseTo(0.50, within(0.01));
        assertThat(counts.get("v1") / (double) n).isCloseTo(0.30, within(0.01));
        assertThat(counts.get("v2") / (double) n).isCloseTo(0.10, within(0.01));
        assertThat(counts.get("") / (double) n).as("outside the experiment").isCloseTo(0.10, within(0.01));
    }

    @Test
    void shouldPlaceNobodyInAnInactiveExperimentAndTakeTheFirstMatchByName() {
        assertThat(Assignment.variant(experiment(false, 50, 50), "u-1")).isNull();
        Experiment all = experiment(true, 50, 50);
        Experiment other = Experiment.newBuilder(all).setName("b-other").build();
        Assignment.Placement p = Assignment.place(List.of(all, other), "u-1");
        assertThat(p.experiment().getName()).isEqualTo("a");
    }

    @Test
    void shouldListEveryProblemOfABadDefinition() {
        Experiment bad = Experiment.newBuilder(experiment(true, 80, 30)).setName("bad name!").build();
        bad.getVariants().get(1).setK(0);
        bad.getVariants().get(1).setModel("other-model");
        assertThat(ExperimentRules.problems(bad, "seqrec")).hasSize(4)
                .anyMatch(p -> p.startsWith("name must match"))
                .anyMatch(p -> p.contains("more than 100%"))
                .anyMatch(p -> p.contains("k must be"))
                .anyMatch(p -> p.contains("'other-model' is not served here"));
        assertThat(ExperimentRules.problems(experiment(true, 50, 50), "seqrec")).isEmpty();
    }

    /** Experiment "a", salt "s1", variants v0, v1, ... with the given shares (v0 heuristic, the rest model). */
    private static Experiment experiment(boolean active, int... shares) {
        List<ExperimentVariant> variants = new java.util.ArrayList<>();
        for (int i = 0; i < shares.length; i++) {
            variants.add(ExperimentVariant.newBuilder().setName("v" + i).setShare(shares[i])
                    .setRanker(i == 0 ? VariantRanker.HEURISTIC : VariantRanker.MODEL).build());
        }
        return Experiment.newBuilder().setName("a").setSalt("s1").setActive(active).setVariants(variants).build();
    }
}
