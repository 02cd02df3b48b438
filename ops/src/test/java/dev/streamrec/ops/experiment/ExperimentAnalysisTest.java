package dev.streamrec.ops.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ExperimentAnalysisTest {

    @Test
    void shouldMatchPublishedWilsonIntervalsAndZTest() {
        // Wilson 95% for 81/263 (Newcombe 1998, table I: 0.2553-0.3662)
        Proportions.Interval ci = Proportions.wilson(81, 263);
        assertThat(ci.low()).isCloseTo(0.2553, within(5e-4));
        assertThat(ci.high()).isCloseTo(0.3662, within(5e-4));
        // z-test: 0.5 vs 0.4 with 1000 each: z = 4.4947..., two-sided p = 6.97e-6
        assertThat(Proportions.zTestP(500, 1000, 400, 1000)).isCloseTo(6.97e-6, within(2e-7));
        assertThat(Proportions.zTestP(100, 1000, 100, 1000)).isCloseTo(1.0, within(1e-6));
        assertThat(Proportions.upperTail(1.959963984540054)).isCloseTo(0.025, within(1e-7));
    }

    @Test
    void shouldCountAListAsAHitOnlyForAClickOnAListedItemWithinTheWindowAfterIt() {
        // given two lists of user u (control) and one of v (treatment)
        List<ExperimentAnalysis.ListShown> lists = List.of(
                new ExperimentAnalysis.ListShown("u", 1_000, "exp", "control", List.of("a", "b")),
                new ExperimentAnalysis.ListShown("u", 5_000, "exp", "control", List.of("c")),
                new ExperimentAnalysis.ListShown("v", 1_000, "exp", "treatment", List.of("a")),
                new ExperimentAnalysis.ListShown("w", 1_000, "", "", List.of("a")));
        List<ExperimentAnalysis.Interaction> events = List.of(
                new ExperimentAnalysis.Interaction("u", 1_000, "a"),  // at the list's time: its trigger, not a hit
                new ExperimentAnalysis.Interaction("u", 2_000, "b"),  // hit of the first list
                new ExperimentAnalysis.Interaction("u", 9_000, "c"),  // after the 3 s window of the second
                new ExperimentAnalysis.Interaction("v", 3_000, "a"),  // hit
                new ExperimentAnalysis.Interaction("w", 2_000, "a")); // not in an experiment

        // when analysed with a 3 s window
        ExperimentReport r = ExperimentAnalysis.analyse(lists, events, 3_000, Map.of());

        // then control has 1 hit in 2 lists, treatment 1 in 1; the list outside experiments is left out
        assertThat(r.experiments()).hasSize(1);
        ExperimentReport.ExperimentResult e = r.experiments().getFirst();
        assertThat(e.control()).isEqualTo("control");
        assertThat(e.variants()).extracting(ExperimentReport.VariantResult::variant).containsExactly("control", "treatment");
        assertThat(e.variants().get(0).lists()).isEqualTo(2);
        assertThat(e.variants().get(0).hits()).isEqualTo(1);
        assertThat(e.variants().get(1).hits()).isEqualTo(1);
        assertThat(e.variants().get(1).lift()).isCloseTo(1.0, within(1e-9));
        assertThat(r.text()).contains("experiment exp (control: control").contains("treatment");
        assertThat(r.json()).contains("\"hitRateCi95\"").contains("\"pValue\"");
    }

    @Test
    void shouldNotCountAClickInOneTenantAsAHitOfTheSameUserIdInAnother() {
        // given user "u" of shop-a and of shop-b, both shown item "a"; only shop-a's "u" clicks it
        dev.streamrec.avro.Recommendations shown = dev.streamrec.avro.Recommendations.newBuilder().setUserId("u")
                .setGeneratedAt(1_000).setModelVersion("m").setTriggerEventId("e").setExperiment("exp")
                .setItems(List.of(new dev.streamrec.avro.RecommendedItem("a", 1.0, "model"))).setVariant("control")
                .setTenantId("shop-a").build();
        List<ExperimentAnalysis.ListShown> lists = List.of(ExperimentReportCommand.list(shown, 1_000),
                ExperimentReportCommand.list(dev.streamrec.avro.Recommendations.newBuilder(shown).setVariant("treatment")
                        .setTenantId("shop-b").build(), 1_000));
        List<ExperimentAnalysis.Interaction> events = List.of(new ExperimentAnalysis.Interaction("shop-a|u", 2_000, "a"));

        // when analysed
        ExperimentReport r = ExperimentAnalysis.analyse(lists, events, 3_000, Map.of());

        // then the click is shop-a's hit only
        assertThat(r.experiments().getFirst().variants()).extracting(ExperimentReport.VariantResult::hits)
                .containsExactly(1L, 0L);
    }

    @Test
    void shouldCountUsersNotListsAsTheIndependentObservations() {
        // given 100 users per variant, 50 lists each; a user either hits every list or none,
        // 55 such users in a, 45 in b: a user-level difference no larger than chance at 100 users each
        List<ExperimentAnalysis.ListShown> lists = new ArrayList<>();
        List<ExperimentAnalysis.Interaction> events = new ArrayList<>();
        for (int u = 0; u < 200; u++) {
            String user = "u" + u;
            boolean inA = u < 100;
            boolean hitter = inA ? u < 55 : u < 145;
            for (int i = 0; i < 50; i++) {
                lists.add(new ExperimentAnalysis.ListShown(user, i * 10_000L, "x", inA ? "a" : "b", List.of("i")));
                if (hitter) {
                    events.add(new ExperimentAnalysis.Interaction(user, i * 10_000L + 1, "i"));
                }
            }
        }

        // when analysed
        ExperimentReport.VariantResult b = ExperimentAnalysis.analyse(lists, events, 5_000, Map.of("x", "a"))
                .experiments().getFirst().variants().get(1);

        // then the clustered test sees 100 users a side (z about 1.4), where lists taken as independent would see 5,000
        assertThat(b.users()).isEqualTo(100);
        assertThat(b.pValue()).isGreaterThan(0.05);
        assertThat(Proportions.zTestP(2_250, 5_000, 2_750, 5_000)).as("the same counts, lists independent").isLessThan(1e-6);
    }

    @Test
    void shouldFindNoSignificantDifferenceBetweenTwoVariantsOfTheSameRate() {
        // given an A/A split: both variants hit every 5th list
        List<ExperimentAnalysis.ListShown> lists = new ArrayList<>();
        List<ExperimentAnalysis.Interaction> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String user = "u" + i;
            lists.add(new ExperimentAnalysis.ListShown(user, 0, "aa", i % 2 == 0 ? "a" : "b", List.of("x")));
            if (i % 10 < 2) {
                events.add(new ExperimentAnalysis.Interaction(user, 10, "x"));
            }
        }
        ExperimentReport.VariantResult b = ExperimentAnalysis.analyse(lists, events, 1_000, Map.of("aa", "a"))
                .experiments().getFirst().variants().get(1);
        assertThat(b.pValue()).isGreaterThan(0.05);
        assertThat(b.liftCi().low()).isNegative();
        assertThat(b.liftCi().high()).isPositive();
    }
}
