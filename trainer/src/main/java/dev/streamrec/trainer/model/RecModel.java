package dev.streamrec.trainer.model;

/**
 * What the exporter, the artifact writer and the Java scorers need from any trained model: its
 * vocabulary, its sizes, and a plain-Java reference forward pass that the ONNX graph must match.
 */
public interface RecModel {

    Vocabulary vocabulary();

    int dim();

    /** Events of history the model reads (the manifest's {@code maxHistory}). */
    int maxHistory();

    /** Per-item additive score term (popularity); used to pick the golden input's items. */
    float itemBias(int row);

    /** Scores of every vocabulary row for one history; row 0 (unknown) is meaningless. */
    float[] scoreRows(History history);

    /** Age-bucket boundaries the history is filled with. */
    float[] ageBoundaries();
}
