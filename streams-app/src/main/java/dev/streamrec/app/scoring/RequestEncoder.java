package dev.streamrec.app.scoring;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.app.topology.Candidate;
import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.EventHistory;
import dev.streamrec.onnx.HistoryBatch;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.ItemRows;
import dev.streamrec.onnx.ScoringMode;

/**
 * Score requests to the flat tensors of one call (the input transform; {@link RankingDecoder} is
 * the output one). Shapes are rounded so a session sees few of them and reuses its buffers:
 * candidate widths go up to a multiple of 32, candidate-mode row counts to a power of two (padding rows and
 * {@link ModelContract#PAD_ITEM} candidates cost a gather of row 0); full-catalog mode keeps the
 * exact row count, since every padded row would cost a whole catalogue product.
 */
public final class RequestEncoder {

    private RequestEncoder() {
    }

    /** Rows of the call for {@code requests} in {@code mode}. */
    public static int rows(ScoringMode mode, int requests) {
        return mode == ScoringMode.CANDIDATES ? ItemRows.bucket(requests) : requests;
    }

    public static HistoryBatch history(List<ScoreRequest> requests, int rows, int maxHistory) {
        List<EventHistory> histories = new ArrayList<>(requests.size());
        long[] times = new long[requests.size()];
        for (int i = 0; i < requests.size(); i++) {
            histories.add(requests.get(i).history());
            times[i] = requests.get(i).scoringTime();
        }
        return HistoryEncoder.encodeRows(histories, times, rows, maxHistory);
    }

    /** Candidate widths are multiples of this (at most 7 widths up to the default 200 candidates). */
    static final int WIDTH_STEP = 32;

    /**
     * Candidate width of the call: the widest request, rounded up to a multiple of {@value #WIDTH_STEP},
     * at least 16. Not a power of two: with the default 200 candidates a batch is usually 129-200 wide,
     * and every padding column is a string copied into the tensor and looked up in the graph's vocabulary
     * (256 columns for 150 candidates, against 160).
     */
    public static int candidateWidth(List<ScoreRequest> requests) {
        int max = 1;
        for (ScoreRequest r : requests) {
            max = Math.max(max, r.candidates().size());
        }
        return max <= 16 ? 16 : (max + WIDTH_STEP - 1) / WIDTH_STEP * WIDTH_STEP;
    }

    /** {@code [rows, candidateWidth]} candidate ids, padded. */
    public static ItemRows candidates(List<ScoreRequest> requests, int rows) {
        int width = candidateWidth(requests);
        ItemRows out = ItemRows.padding(rows, width);
        for (int i = 0; i < requests.size(); i++) {
            List<Candidate> c = requests.get(i).candidates();
            for (int j = 0; j < c.size(); j++) {
                out.ids()[i * width + j] = c.get(j).itemId();
            }
        }
        return out;
    }

    /** {@code [rows, longest list]} excluded ids (at least 1 wide), padded. */
    public static ItemRows exclude(List<ScoreRequest> requests, int rows) {
        int width = 1;
        for (ScoreRequest r : requests) {
            width = Math.max(width, r.exclude().size());
        }
        ItemRows out = ItemRows.padding(rows, width);
        for (int i = 0; i < requests.size(); i++) {
            int j = 0;
            for (String id : requests.get(i).exclude()) {
                out.ids()[i * width + j++] = id;
            }
        }
        return out;
    }
}
