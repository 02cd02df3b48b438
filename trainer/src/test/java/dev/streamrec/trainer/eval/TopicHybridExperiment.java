package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import dev.streamrec.trainer.data.Catalogue;
import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.EvalCase;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;

/** Manual harness: the hybrid plus beta x log of the session-topic scorer. Arguments: dataset. */
public final class TopicHybridExperiment {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        Evaluator evaluator = new Evaluator();
        TrainingSettings settings = TrainingSettings.defaults();
        Trainer.Result r = new Trainer(settings).train(splits.selection().train(), splits.selection().holdout(), null);
        HybridWeight w = HybridWeight.choose(r.model(), splits.selection().train(), splits.selection().holdout(), evaluator,
                false, settings.easeDense());
        HybridModel hybrid = w.apply(r.model(), splits.selection().train());
        HybridScorer scorer = new HybridScorer(hybrid);
        int k = Integer.getInteger("k", 20);
        SessionTopicExperiment.Model topics = SessionTopicExperiment.Model.fit(splits.selection().train(), splits.catalogue(), k);
        double[] hs = {0.25, 0.35, 0.5};
        double[] epss = {0.15, 0.3};
        double[] betas = {0, 0.25, 0.5, 1, 2, 4, 8};
        double best = -1;
        double[] bestP = null;
        for (double h : hs) {
            for (double eps : epss) {
                for (double beta : betas) {
                    Metrics m = evaluator.evaluate(combined(scorer, topics.scorer(h, eps), splits.catalogue(), beta),
                            splits.selection().holdout());
                    System.out.printf(Locale.ROOT, "validation h %.2f eps %.2f beta %.2f: NDCG@10 %.4f HR@20 %.4f%n", h, eps,
                            beta, m.fullNdcgAt10(), m.fullHrAt20());
                    if (m.fullNdcgAt10() > best) {
                        best = m.fullNdcgAt10();
                        bestP = new double[] {h, eps, beta};
                    }
                }
            }
        }
        // test with the validation-run models (no refit): the hybrid alone and combined
        Metrics alone = evaluator.evaluate(scorer, splits.test().holdout());
        Metrics comb = evaluator.evaluate(combined(scorer, topics.scorer(bestP[0], bestP[1]), splits.catalogue(), bestP[2]),
                splits.test().holdout());
        System.out.printf(Locale.ROOT, "test hybrid alone: NDCG@10 %.4f HR@20 %.4f%n", alone.fullNdcgAt10(), alone.fullHrAt20());
        System.out.printf(Locale.ROOT, "test combined (h %.2f eps %.2f beta %.2f): NDCG@10 %.4f HR@20 %.4f%n", bestP[0],
                bestP[1], bestP[2], comb.fullNdcgAt10(), comb.fullHrAt20());
    }

    static DenseScorer combined(HybridScorer hybrid, DenseScorer topic, Catalogue topicCatalogue, double beta) {
        Catalogue cat = hybrid.catalogue();
        int[] map = new int[cat.size()];
        for (int r = 0; r < map.length; r++) {
            map[r] = topicCatalogue.row(cat.id(r));
        }
        return new DenseScorer() {
            @Override
            public String name() {
                return "hybrid+topic";
            }

            @Override
            public Catalogue catalogue() {
                return cat;
            }

            @Override
            public void scoreAll(List<EvalCase> cases, float[][] out) {
                hybrid.scoreAll(cases, out);
                if (beta == 0) {
                    return;
                }
                float[][] t = new float[cases.size()][topicCatalogue.size()];
                topic.scoreAll(cases, t);
                for (int b = 0; b < cases.size(); b++) {
                    for (int r = 0; r < map.length; r++) {
                        out[b][r] += (float) (beta * (map[r] < 0 ? Math.log(1e-9) : Math.log(t[b][map[r]])));
                    }
                }
            }
        };
    }
}
