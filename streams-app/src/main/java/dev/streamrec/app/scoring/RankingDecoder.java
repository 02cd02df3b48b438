package dev.streamrec.app.scoring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

import dev.streamrec.app.topology.BestFirst;
import dev.streamrec.app.topology.Candidate;
import dev.streamrec.app.topology.RankedItem;
import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.TopItems;

/**
 * Output tensors to ranked items (the output transform; {@link RequestEncoder} is the input one).
 * Excluded and unavailable (out-of-stock) items never appear. A row with a non-finite score
 * ({@link #finite}) must not be decoded at all: the scorer ranks it by the heuristic instead.
 */
public final class RankingDecoder {

    private RankingDecoder() {
    }

    private record Scored(Candidate candidate, float score, boolean known, double heuristic) {
    }

    /**
     * Known to the model first, then model score, heuristic score (both descending), item id. Written
     * out over the record's fields: the equivalent chain of {@code Comparator.comparing...} lambdas
     * was a tenth of the stream thread's samples in model mode (one sort of every candidate per event).
     */
    private static final Comparator<Scored> ORDER = (a, b) -> {
        if (a.known() != b.known()) {
            return a.known() ? -1 : 1;
        }
        int c = Float.compare(b.score(), a.score());
        if (c != 0) {
            return c;
        }
        c = Double.compare(b.heuristic(), a.heuristic());
        return c != 0 ? c : a.candidate().itemId().compareTo(b.candidate().itemId());
    };

    /**
     * Whether every score the model gave request {@code row}'s candidates is finite (padding columns
     * are not looked at). A NaN or infinity anywhere in the row means the model is broken for this
     * user, even where the item would have been filtered.
     */
    public static boolean finite(ScoreRequest request, float[] scores, int row, int width) {
        int used = Math.min(width, request.candidates().size());
        for (int j = 0; j < used; j++) {
            if (!Float.isFinite(scores[row * width + j])) {
                return false;
            }
        }
        return true;
    }

    /** Whether every top score of row {@code row} is finite. */
    public static boolean finite(TopItems top, int row) {
        for (int r = 0; r < top.k(); r++) {
            if (!Float.isFinite(top.score(row, r))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Candidate mode, one request: its candidates by model score, best first, each with its own
     * reason; candidates the model does not know ({@link ModelContract#UNKNOWN_ITEM_SCORE}) come
     * after the known ones, by heuristic score.
     *
     * @param scores the call's {@code [rows, width]} scores; this request is row {@code row}
     */
    public static List<RankedItem> candidates(ScoreRequest request, float[] scores, int row, int width,
                                              Predicate<String> available) {
        List<Candidate> cands = request.candidates();
        Scored[] scored = new Scored[cands.size()];
        for (int j = 0; j < cands.size(); j++) {
            Candidate c = cands.get(j);
            float s = scores[row * width + j];
            scored[j] = new Scored(c, s, s > ModelContract.UNKNOWN_ITEM_SCORE, c.heuristicScore());
        }
        // Best first without sorting every candidate (BestFirst), exclusions and stock checked lazily in that
        // order: about k look-ups, not one per candidate (the exclusion check on every candidate was as costly as
        // the sort).
        BestFirst<Scored> best = new BestFirst<>(scored, ORDER);
        List<RankedItem> out = new ArrayList<>(Math.min(request.k(), scored.length));
        while (best.hasNext() && out.size() < request.k()) {
            Scored s = best.next();
            String id = s.candidate().itemId();
            if (!request.exclude().contains(id) && available.test(id)) {
                out.add(new RankedItem(id, s.score(), s.candidate().reason()));
            }
        }
        return out;
    }

    /** Full-catalog mode, one request: the graph's top items minus masked, excluded and unavailable ones, cut to k. */
    public static List<RankedItem> top(ScoreRequest request, TopItems top, int row,
                                       Predicate<String> available) {
        List<RankedItem> out = new ArrayList<>(request.k());
        String[] items = top.items()[row];
        for (int r = 0; r < items.length && out.size() < request.k(); r++) {
            float s = top.score(row, r);
            String id = items[r];
            if (s <= ModelContract.UNKNOWN_ITEM_SCORE || id.isEmpty() || request.exclude().contains(id)
                    || !available.test(id)) {
                continue;
            }
            out.add(new RankedItem(id, s, BatchScorer.MODEL_REASON));
        }
        return out;
    }
}
