package dev.streamrec.trainer.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What model selection chose and what it measured.
 *
 * @param choices     settings for the final fit (e.g. {@code "epochs" -> 7}), reported as they are
 * @param validation  the selected scorer's metrics on the validation cases; null when nothing was selected
 */
public record Selection(Map<String, Object> choices, Metrics validation) {

    public static final Selection NONE = new Selection(Map.of(), null);

    public Selection {
        choices = Map.copyOf(choices);
    }

    public int intChoice(String key) {
        Object v = choices.get(key);
        if (!(v instanceof Number n)) {
            throw new IllegalStateException("selection has no numeric '" + key + "': " + choices);
        }
        return n.intValue();
    }

    /** For reports: the choices, then the validation metrics. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>(new java.util.TreeMap<>(choices));
        if (validation != null) {
            m.put("validation", validation.asMap());
        }
        return m;
    }
}
