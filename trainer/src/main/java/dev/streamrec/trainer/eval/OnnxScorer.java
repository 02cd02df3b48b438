package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.streamrec.onnx.HistoryBatch;
import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.ItemRows;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.SessionFactory;
import dev.streamrec.onnx.TopItems;
import dev.streamrec.trainer.data.EvalCase;

/**
 * Scores through an exported artifact in ONNX Runtime, with the session and the input transform
 * the streams app uses ({@link RecommenderSession}, {@link HistoryEncoder}): reported metrics are
 * those of the file that will serve.
 */
public final class OnnxScorer implements Scorer {

    private final RecommenderSession session;
    private final String name;

    /** Opens the artifact with {@code sessions} and replays its golden input; {@code ModelLoadException} if unfit. */
    public OnnxScorer(ModelArtifact artifact, SessionFactory sessions, String name) {
        this.session = sessions.open(artifact);
        try {
            session.verifyGolden();
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    private HistoryBatch input(List<EvalCase> cases) {
        long[] times = cases.stream().mapToLong(EvalCase::scoringTime).toArray();
        return HistoryEncoder.encode(cases.stream().map(EvalCase::history).toList(), times, session.maxHistory());
    }

    @Override
    public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
        ItemRows rows = ItemRows.padded(candidates);
        float[] flat = session.scoreCandidates(input(cases), rows);
        float[][] scores = new float[cases.size()][];
        for (int b = 0; b < scores.length; b++) { // drop the padding columns
            scores[b] = Arrays.copyOfRange(flat, b * rows.width(), b * rows.width() + candidates.get(b).size());
        }
        return scores;
    }

    @Override
    public List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
        TopItems top = session.topItems(input(cases), ItemRows.padded(exclude), k);
        List<List<Ranked>> out = new ArrayList<>(cases.size());
        for (int b = 0; b < cases.size(); b++) {
            out.add(top.ranked(b).stream().map(s -> new Ranked(s.itemId(), s.score())).toList());
        }
        return out;
    }

    @Override
    public void close() {
        session.close();
    }
}
