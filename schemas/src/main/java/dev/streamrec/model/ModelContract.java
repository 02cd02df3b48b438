package dev.streamrec.model;

import java.util.List;

/**
 * The contract between the trainer, which writes a model artifact, and the streams app, which
 * loads and scores it. An artifact is a directory {@code <root>/<model>/<version>/} holding
 * {@link #MODEL_FILE} (one ONNX graph, item vocabulary inside) and {@link #MANIFEST_FILE}.
 *
 * <p>Inputs (B = batch, L = history length, C = candidates, E = excluded items; all dynamic):
 * <ul>
 *   <li>{@link #HISTORY_ITEMS} string [B, L]: the user's recent item ids, most recent first,
 *       right-padded with {@link #PAD_ITEM};</li>
 *   <li>{@link #HISTORY_TYPES} int64 [B, L]: event type codes, {@link #typeCode}; 0 at padding;</li>
 *   <li>{@link #HISTORY_AGES} float [B, L]: seconds between each event and the scoring time (&ge; 0);</li>
 *   <li>{@link #CANDIDATES} string [B, C]: items to score in candidate mode (padding allowed);</li>
 *   <li>{@link #EXCLUDE} string [B, E]: items never returned by full-catalog mode (seen, purchased,
 *       out of stock), padded with {@link #PAD_ITEM};</li>
 *   <li>{@link #K} int64 [1]: how many items full-catalog mode returns.</li>
 * </ul>
 * Outputs: {@link #SCORES} float [B, C] (candidate mode), {@link #TOP_ITEMS} string [B, K] and
 * {@link #TOP_SCORES} float [B, K] (full-catalog mode, top-k computed inside the graph). A caller
 * asks only for the outputs of its mode; the inputs of the other mode get a [B, 1] padding tensor.
 *
 * <p>Unknown item ids are never an error: in a history or the exclude list they are ignored, and a
 * candidate the model does not know scores exactly {@link #UNKNOWN_ITEM_SCORE}.
 */
public final class ModelContract {

    /** Bumped when names, types or semantics below change; the app refuses other versions. */
    public static final int CONTRACT_VERSION = 1;

    public static final String MODEL_FILE = "model.onnx";
    public static final String MANIFEST_FILE = "manifest.json";

    public static final String HISTORY_ITEMS = "history_items";
    public static final String HISTORY_TYPES = "history_types";
    public static final String HISTORY_AGES = "history_ages";
    public static final String CANDIDATES = "candidates";
    public static final String EXCLUDE = "exclude";
    public static final String K = "k";

    public static final String SCORES = "scores";
    public static final String TOP_ITEMS = "top_items";
    public static final String TOP_SCORES = "top_scores";

    public static final List<String> INPUTS = List.of(HISTORY_ITEMS, HISTORY_TYPES, HISTORY_AGES, CANDIDATES, EXCLUDE, K);
    public static final List<String> OUTPUTS = List.of(SCORES, TOP_ITEMS, TOP_SCORES);

    /** Padding for string inputs. */
    public static final String PAD_ITEM = "";

    /** Score of a candidate outside the model's vocabulary: below any real score, yet finite. */
    public static final float UNKNOWN_ITEM_SCORE = -1.0e9f;

    /** Type codes of {@link #HISTORY_TYPES}: the ordinal of {@code dev.streamrec.avro.EventType} (UNKNOWN = 0 = padding). */
    public static long typeCode(dev.streamrec.avro.EventType type) {
        return type.ordinal();
    }

    /** Number of type codes including padding. */
    public static final int TYPE_CODES = dev.streamrec.avro.EventType.values().length;

    /** ONNX metadata_props keys the trainer sets on the graph. */
    public static final String META_VERSION = "streamrec.version";
    public static final String META_CONTRACT = "streamrec.contract";
    public static final String META_TRAINED_ON = "streamrec.trained_on";
    public static final String META_METRICS = "streamrec.metrics";

    private ModelContract() {
    }
}
