package dev.streamrec.trainer.eval;

import java.util.List;
import java.util.Map;

import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;

/**
 * The hybrid as {@link HybridModelFactory} selects and trains it, kept in Java (no ONNX export) for manual
 * experiments that combine its scores with something else: the validation-run model (epochs and mixture chosen on the
 * selection split) and the refit on all training data with those choices.
 */
public record JavaHybrid(HybridScorer validation, HybridScorer test) {

    public static JavaHybrid fit(Splits splits, TrainingSettings settings, Evaluator evaluator) {
        Trainer.Result r = new Trainer(settings).train(splits.selection().train(), splits.selection().holdout(), null);
        HybridWeight w = HybridWeight.choose(r.model(), splits.selection().train(), splits.selection().holdout(), evaluator,
                settings.ease(), settings.easeDense());
        HybridScorer validation = new HybridScorer(w.apply(r.model(), splits.selection().train()));
        Trainer.Result f = new Trainer(settings.withMaxEpochs(r.bestEpoch())).train(splits.train(), List.of(), null);
        return new JavaHybrid(validation, new HybridScorer(new HybridWeight(w.mix(), Map.of()).apply(f.model(), splits.train())));
    }
}
