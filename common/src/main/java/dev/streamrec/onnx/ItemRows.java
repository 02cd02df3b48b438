package dev.streamrec.onnx;

import java.util.Arrays;
import java.util.List;

import dev.streamrec.model.ModelContract;

/**
 * Item ids of a call, one row per user, as the flat row-major {@code [rows, width]} array a string
 * tensor is made from: the candidates of candidate mode or the exclusions of full-catalog mode.
 * Short rows are padded with {@link ModelContract#PAD_ITEM}, which scores
 * {@link ModelContract#UNKNOWN_ITEM_SCORE} as a candidate and excludes nothing.
 */
public record ItemRows(String[] ids, int rows, int width) {

    public ItemRows {
        if (rows < 1 || width < 1 || ids.length != rows * width) {
            throw new IllegalArgumentException(ids.length + " item ids are not [" + rows + ", " + width + "]");
        }
    }

    /** {@code rows} rows of {@code width} padding ids, to be filled in. */
    public static ItemRows padding(int rows, int width) {
        String[] ids = new String[rows * width];
        Arrays.fill(ids, ModelContract.PAD_ITEM);
        return new ItemRows(ids, rows, width);
    }

    /** One row per list, padded to the longest (at least 1 wide). */
    public static ItemRows padded(List<? extends List<String>> rows) {
        int width = Math.max(1, rows.stream().mapToInt(List::size).max().orElse(1));
        ItemRows out = padding(rows.size(), width);
        for (int i = 0; i < rows.size(); i++) {
            List<String> r = rows.get(i);
            for (int j = 0; j < r.size(); j++) {
                out.ids[i * width + j] = r.get(j);
            }
        }
        return out;
    }

    /** Rows given as arrays (all rows padded to the longest). */
    public static ItemRows of(String[]... rows) {
        return padded(Arrays.stream(rows).map(Arrays::asList).toList());
    }

    /** The id at row {@code row}, column {@code col}. */
    public String get(int row, int col) {
        return ids[row * width + col];
    }

    /**
     * The smallest power of two {@code >= n} (at least 1): callers round batch rows and candidate
     * widths with it, so that a session sees few distinct shapes and reuses their buffers.
     */
    public static int bucket(int n) {
        return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }
}
