package dev.streamrec.ops.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What {@code experiment report} and {@code experiment replay} print, as a table ({@link #text}) or
 * JSON ({@link #json}).
 *
 * @param windowMs how long after a list an interaction counts as a hit
 */
public record ExperimentReport(long windowMs, List<ExperimentResult> experiments) {

    /** Significance level the text marks differences at. */
    public static final double ALPHA = 0.05;

    /** One experiment: its control and a row per variant (control first). */
    public record ExperimentResult(String experiment, String control, List<VariantResult> variants) {
    }

    /**
     * One variant.
     *
     * @param lift     relative lift of the hit rate against the control ({@code null} for the control, or when the control's rate is 0)
     * @param liftCi   its 95% interval ({@code null} when undefined)
     * @param pValue   two-proportion z-test against the control ({@code null} for the control)
     */
    public record VariantResult(String variant, boolean control, long users, long lists, long hits, double hitRate,
                                Proportions.Interval hitRateCi, Double lift, Proportions.Interval liftCi, Double pValue) {
    }

    /** A table per experiment. */
    public String text() {
        StringBuilder b = new StringBuilder();
        if (experiments.isEmpty()) {
            return "no recommendation lists with an experiment in the range\n";
        }
        for (ExperimentResult e : experiments) {
            b.append(String.format(Locale.ROOT, "experiment %s (control: %s; a hit: a click or purchase of a listed item within %s;"
                            + " intervals and p-values clustered by user)%n",
                    e.experiment(), e.control() == null ? "none in the range" : e.control(), duration(windowMs)));
            b.append(String.format(Locale.ROOT, "  %-12s %7s %9s %8s %9s %19s %9s %21s %9s%n", "variant", "users", "lists",
                    "hits", "hit rate", "95% CI", "lift", "lift 95% CI", "p-value"));
            for (VariantResult v : e.variants()) {
                b.append(String.format(Locale.ROOT, "  %-12s %7d %9d %8d %8.2f%% %19s %9s %21s %9s%s%n", v.variant(),
                        v.users(), v.lists(), v.hits(), 100 * v.hitRate(), range(v.hitRateCi(), false),
                        v.control() ? "(control)" : v.lift() == null ? "n/a" : signed(v.lift()),
                        v.control() ? "" : range(v.liftCi(), true),
                        v.pValue() == null ? "" : String.format(Locale.ROOT, "%.4f", v.pValue()),
                        v.pValue() == null ? "" : v.pValue() < ALPHA ? "  significant" : "  not significant"));
            }
        }
        return b.toString();
    }

    /** The report as JSON (rates as fractions, not percents). */
    public String json() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("windowMs", windowMs);
        List<Object> list = new ArrayList<>();
        for (ExperimentResult e : experiments) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("experiment", e.experiment());
            x.put("control", e.control());
            List<Object> rows = new ArrayList<>();
            for (VariantResult v : e.variants()) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("variant", v.variant());
                r.put("control", v.control());
                r.put("users", v.users());
                r.put("lists", v.lists());
                r.put("hits", v.hits());
                r.put("hitRate", v.hitRate());
                r.put("hitRateCi95", List.of(v.hitRateCi().low(), v.hitRateCi().high()));
                r.put("lift", v.lift());
                r.put("liftCi95", v.liftCi() == null ? null : List.of(v.liftCi().low(), v.liftCi().high()));
                r.put("pValue", v.pValue());
                r.put("significant", v.pValue() == null ? null : v.pValue() < ALPHA);
                rows.add(r);
            }
            x.put("variants", rows);
            list.add(x);
        }
        root.put("experiments", list);
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report to JSON", e);
        }
    }

    private static String range(Proportions.Interval i, boolean relative) {
        if (i == null) {
            return "n/a";
        }
        return relative ? "[" + signed(i.low()) + ", " + signed(i.high()) + "]"
                : String.format(Locale.ROOT, "[%.2f%%, %.2f%%]", 100 * i.low(), 100 * i.high());
    }

    private static String signed(double fraction) {
        return String.format(Locale.ROOT, "%+.1f%%", 100 * fraction);
    }

    private static String duration(long ms) {
        return ms % 60_000 == 0 ? ms / 60_000 + " min" : ms / 1000.0 + " s";
    }
}
