package dev.streamrec.trainer.eval;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.Splits;
import dev.streamrec.trainer.model.HybridModel;
import dev.streamrec.trainer.model.RecModel;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hybrid model ({@link HybridModel}) as an evaluated scorer. Selection: the pooling model's
 * epochs by early stopping, then the item-to-item mixture ({@link HybridWeight}); fit: the pooling
 * model trained again on all training data, the table counted from all training data, exported, scored
 * through ONNX Runtime.
 */
public final class HybridModelFactory extends TrainedModelFactory {

    private static final Logger LOG = LoggerFactory.getLogger(HybridModelFactory.class);

    /** Selection keys of the mixture: one per signal (lower-case name), then the history reading. */
    public static final String WINDOW = "window";
    public static final String DECAY = "decay";
    /** Selection keys of the EASE table: its coefficient (0: none), ridge and reading. */
    public static final String EASE = "ease";
    public static final String EASE_LAMBDA = "ease_lambda";
    public static final String EASE_WINDOW = "ease_window";
    /** Selection key: whether the EASE term is the dense matrix (true) or the top-neighbour table. */
    public static final String EASE_DENSE = "ease_dense";

    private final TrainingSettings settings;

    public HybridModelFactory(String name, TrainingSettings settings, SessionSettings onnx, Path artifactDir) {
        super(name, onnx, artifactDir);
        this.settings = settings;
    }

    @Override
    public String description() {
        return "hybrid: pooling model (dim " + settings.dim() + ", " + settings.maxHistory() + " events) + item-to-item "
                + "table (directed/symmetric co-occurrence, item-kNN, Markov mixed; top " + HybridWeight.NEIGHBOURS
                + " neighbours)" + (settings.ease() ? " + EASE table over up to the last " + HybridWeight.MAX_EASE_WINDOW
                + " events when the catalogue has at most " + Ease.MAX_ITEMS + " items" : "")
                + (settings.easeDense() > 0 ? " + dense EASE term (every weight) over up to the last " + settings.easeDense()
                + " events when the catalogue has at most " + Ease.MAX_ITEMS + " items" : "")
                + "; epochs, mixture and history reading chosen on validation, refit on all training data, "
                + "scored by ONNX Runtime";
    }

    @Override
    public Selection select(Splits splits, Evaluator evaluator) {
        Trainer.Result r = new Trainer(settings).train(splits.selection().train(), splits.selection().holdout(), null);
        HybridWeight w = HybridWeight.choose(r.model(), splits.selection().train(), splits.selection().holdout(), evaluator,
                settings.ease(), settings.easeDense());
        Metrics validation = evaluator.evaluate(new HybridScorer(w.apply(r.model(), splits.selection().train())),
                splits.selection().holdout());
        LOG.info("selected {} epochs, mixture {}; validation {}", r.bestEpoch(), w.mix(), validation.asMap());
        Map<String, Object> choices = new LinkedHashMap<>();
        choices.put(EPOCHS, r.bestEpoch());
        choices.put("epochs_run", r.epochsRun());
        choices.putAll(asChoices(w.mix()));
        choices.put("validation_ndcg_at_10_by_mixture", w.tried());
        return new Selection(choices, validation);
    }

    @Override
    protected RecModel train(EventLog train, Selection selection) {
        Trainer.Result r = new Trainer(settings.withMaxEpochs(epochs(selection, settings.maxEpochs())))
                .train(train, List.of(), null);
        LOG.info("final model: {} epochs on {} examples in {} ms", r.epochsRun(), r.examples(), r.millis());
        return new HybridWeight(mix(selection), Map.of()).apply(r.model(), train);
    }

    /** The mixture as selection entries. */
    static Map<String, Object> asChoices(CoVisitations.Mix mix) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (CoVisitations.Signal s : CoVisitations.Signal.values()) {
            m.put(key(s), mix.coefficient(s));
        }
        m.put(WINDOW, mix.window());
        m.put(DECAY, mix.decay());
        m.put(EASE, mix.ease());
        m.put(EASE_LAMBDA, mix.lambda());
        m.put(EASE_WINDOW, mix.easeWindow());
        m.put(EASE_DENSE, mix.dense());
        return m;
    }

    /** The mixture a selection chose (absent entries: 0, README (c)'s reading). */
    static CoVisitations.Mix mix(Selection selection) {
        double[] c = new double[CoVisitations.Signal.values().length];
        for (CoVisitations.Signal s : CoVisitations.Signal.values()) {
            c[s.ordinal()] = selection.choices().get(key(s)) instanceof Number n ? n.doubleValue() : 0.0;
        }
        int window = selection.choices().get(WINDOW) instanceof Number n ? n.intValue() : CoVisitations.WINDOW;
        double decay = selection.choices().get(DECAY) instanceof Number n ? n.doubleValue() : CoVisitations.DECAY;
        double ease = selection.choices().get(EASE) instanceof Number n ? n.doubleValue() : 0.0;
        double lambda = selection.choices().get(EASE_LAMBDA) instanceof Number n ? n.doubleValue() : 0.0;
        int easeWindow = selection.choices().get(EASE_WINDOW) instanceof Number n ? n.intValue() : 0;
        boolean dense = selection.choices().get(EASE_DENSE) instanceof Boolean b && b;
        CoVisitations.Mix counting = new CoVisitations.Mix(c, window, decay);
        return dense ? counting.withDenseEase(ease, lambda, easeWindow) : counting.withEase(ease, lambda, easeWindow);
    }

    private static String key(CoVisitations.Signal s) {
        return s.name().toLowerCase(Locale.ROOT);
    }
}
