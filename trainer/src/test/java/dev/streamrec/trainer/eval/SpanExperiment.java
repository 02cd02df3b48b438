package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.Locale;

import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.Splits;

/**
 * Manual harness (not a test): full-ranking test metrics of the symmetric co-occurrence count for several
 * spans (how many positions either side relate two items), the offline proxy of the streams app's
 * {@code streamrec.covisit.max-sources-per-event} (issue 11: each source is two pair writes per event).
 * Arguments: dataset [spans, default 5,10,20].
 */
public final class SpanExperiment {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        String spans = args.length > 1 ? args[1] : "5,10,20";
        Evaluator evaluator = new Evaluator();
        for (String s : spans.split(",")) {
            int span = Integer.parseInt(s.trim());
            long t0 = System.nanoTime();
            Metrics m = evaluator.evaluate(ItemToItemScorer.cooccurrence(splits.test().train(), splits.catalogue(), span,
                    true, 5, 0.7), splits.test().holdout());
            System.out.printf(Locale.ROOT, "span %3d: HR@10 %.4f NDCG@10 %.4f HR@20 %.4f NDCG@20 %.4f (%.1f s)%n", span,
                    m.fullHrAt10(), m.fullNdcgAt10(), m.fullHrAt20(), m.fullNdcgAt20(), (System.nanoTime() - t0) / 1e9);
        }
    }
}
