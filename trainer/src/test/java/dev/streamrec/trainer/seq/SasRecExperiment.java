package dev.streamrec.trainer.seq;

import java.nio.file.Path;
import java.util.Locale;

import dev.streamrec.trainer.data.Datasets;
import dev.streamrec.trainer.data.Splits;

/**
 * Manual experiment (not a test): train on a dataset as {@code evaluate} splits it (a leave-last-out directory or an
 * event file), print DJL full-ranking metrics on its test cases.
 */
public final class SasRecExperiment {

    public static void main(String[] args) {
        Splits splits = Datasets.load(Path.of(args[0]));
        SasRecSettings s = SasRecSettings.defaults();
        for (int i = 1; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            s = switch (args[i]) {
                case "dim" -> s.withShape(Integer.parseInt(v), s.maxLen(), s.blocks());
                case "len" -> s.withShape(s.dim(), Integer.parseInt(v), s.blocks());
                case "blocks" -> s.withShape(s.dim(), s.maxLen(), Integer.parseInt(v));
                case "dropout" -> s.withOptimiser(Float.parseFloat(v), s.learningRate(), s.batchSize());
                case "lr" -> s.withOptimiser(s.dropout(), Float.parseFloat(v), s.batchSize());
                case "batch" -> s.withOptimiser(s.dropout(), s.learningRate(), Integer.parseInt(v));
                case "epochs" -> s.withMaxEpochs(Integer.parseInt(v));
                case "negatives" -> s.withNegatives(Integer.parseInt(v));
                case "threads" -> s.withThreads(Integer.parseInt(v));
                case "seed" -> s.withSeed(Long.parseLong(v));
                case "refit" -> s.withSchedule(s.maxEpochs(), s.patience(), s.maxSeconds(), Boolean.parseBoolean(v));
                case "seconds" -> s.withSchedule(s.maxEpochs(), s.patience(), Integer.parseInt(v), s.refit());
                case "newtargets" -> s.withNewTargets(Boolean.parseBoolean(v));
                case "clip" -> s.withClipNorm(Float.parseFloat(v));
                case "patience" -> s.withSchedule(s.maxEpochs(), Integer.parseInt(v), s.maxSeconds(), s.refit());
                default -> throw new IllegalArgumentException(args[i]);
            };
        }
        System.out.println(s);
        SasRecTrainer.Result r = new SasRecTrainer(s).train(splits.train(), splits.selection());
        double[] m = SasRecTrainer.evaluate(r.model(), splits.test().holdout(), s.threads());
        System.out.printf(Locale.ROOT, "RESULT best epoch %d, epochs %d, %.1f s: test HR@10 %.4f NDCG@10 %.4f HR@20 %.4f NDCG@20 %.4f%n",
                r.bestEpoch(), r.epochsRun(), r.millis() / 1000.0, m[0], m[1], m[2], m[3]);
    }
}
