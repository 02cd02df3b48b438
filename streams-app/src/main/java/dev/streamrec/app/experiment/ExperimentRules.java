package dev.streamrec.app.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.ExperimentVariant;
import dev.streamrec.avro.VariantRanker;
import dev.streamrec.onnx.ScoringMode;
import dev.streamrec.topics.TenantKeys;

/**
 * What makes an experiment definition valid, in one place: the admin API refuses an invalid one
 * (400 with every problem), and the follower ignores one that reached the topic another way (one
 * log line), so a bad definition never changes what users get.
 */
public final class ExperimentRules {

    /** Names end up as Prometheus label values and in topic keys: short, plain. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** Most variants in one experiment (bounds the label series). */
    public static final int MAX_VARIANTS = 10;
    /** Longest list a variant may ask for. */
    public static final int MAX_K = 100;

    private ExperimentRules() {
    }

    /**
     * Every problem of {@code e}; empty when valid.
     *
     * @param followedModel the model name this app follows ({@code streamrec.models.name}); a
     *                      variant naming another model could never be served (empty: the app
     *                      follows whatever is announced, and a named variant gets that)
     */
    public static List<String> problems(Experiment e, String followedModel) {
        List<String> out = new ArrayList<>();
        if (e.getName() == null || !NAME.matcher(e.getName()).matches()) {
            out.add("name must match " + NAME.pattern());
        }
        String tenant = TenantKeys.tenantProblem(e.getTenantId());
        if (tenant != null) {
            out.add(tenant);
        }
        if (e.getSalt() == null || e.getSalt().isEmpty()) {
            out.add("salt must not be empty");
        }
        List<ExperimentVariant> variants = e.getVariants() == null ? List.of() : e.getVariants();
        if (variants.size() < 2 || variants.size() > MAX_VARIANTS) {
            out.add("an experiment has 2 to " + MAX_VARIANTS + " variants (the first is the control); got " + variants.size());
        }
        Set<String> names = new HashSet<>();
        int total = 0;
        for (ExperimentVariant v : variants) {
            String n = v.getName();
            if (n == null || !NAME.matcher(n).matches()) {
                out.add("variant name '" + n + "' must match " + NAME.pattern());
            } else if (!names.add(n)) {
                out.add("variant name '" + n + "' is used twice");
            }
            if (v.getShare() < 1 || v.getShare() > 100) {
                out.add("variant " + n + ": share is a percent, 1..100; got " + v.getShare());
            }
            total += v.getShare();
            if (v.getK() != null && (v.getK() < 1 || v.getK() > MAX_K)) {
                out.add("variant " + n + ": k must be 1.." + MAX_K + "; got " + v.getK());
            }
            if (v.getRanker() == VariantRanker.HEURISTIC) {
                if (v.getModel() != null || v.getModelVersion() != null || v.getScoringMode() != null) {
                    out.add("variant " + n + ": a heuristic variant takes no model, modelVersion or scoringMode");
                }
            } else {
                if (v.getModel() != null && followedModel != null && !followedModel.isBlank()
                        && !v.getModel().equals(followedModel)) {
                    out.add("variant " + n + ": model '" + v.getModel() + "' is not served here: this app follows '"
                            + followedModel + "' (streamrec.models.name)");
                }
                if (v.getModelVersion() != null && !NAME.matcher(v.getModelVersion()).matches()) {
                    out.add("variant " + n + ": modelVersion must match " + NAME.pattern());
                }
                if (v.getScoringMode() != null) {
                    try {
                        ScoringMode.parse(v.getScoringMode());
                    } catch (IllegalArgumentException ex) {
                        out.add("variant " + n + ": " + ex.getMessage());
                    }
                }
            }
        }
        if (total > 100) {
            out.add("shares add up to " + total + "%, more than 100%");
        }
        return out;
    }
}
