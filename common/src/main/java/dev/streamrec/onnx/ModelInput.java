package dev.streamrec.onnx;

import dev.streamrec.model.ModelContract;

/**
 * The history tensors of a batch, rectangular [B, L], most recent event first, padded with
 * {@link ModelContract#PAD_ITEM}, type 0 and age 0. Build it with {@link HistoryEncoder}.
 */
public record ModelInput(String[][] historyItems, long[][] historyTypes, float[][] historyAges) {

    public ModelInput {
        int b = historyItems.length;
        if (historyTypes.length != b || historyAges.length != b || b == 0) {
            throw new IllegalArgumentException("history tensors need the same non-zero batch size");
        }
        int l = historyItems[0].length;
        for (int i = 0; i < b; i++) {
            if (historyItems[i].length != l || historyTypes[i].length != l || historyAges[i].length != l) {
                throw new IllegalArgumentException("history tensors must be rectangular [B, L]");
            }
        }
    }

    public int batchSize() {
        return historyItems.length;
    }

    public int historyLength() {
        return historyItems[0].length;
    }
}
