package dev.streamrec.trainer.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.streamrec.onnx.HistoryEncoder;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.onnx.ModelInput;
import dev.streamrec.onnx.RecommenderSession;
import dev.streamrec.onnx.SessionSettings;
import dev.streamrec.onnx.TopItems;
import dev.streamrec.trainer.data.EvalCase;

/**
 * Scores through an exported artifact in ONNX Runtime, with the same input transform the streams
 * app uses ({@link HistoryEncoder}): reported metrics are those of the file that will serve.
 */
public final class OnnxScorer implements Scorer {

    private final RecommenderSession session;
    private final String name;

    public OnnxScorer(ModelArtifact artifact, SessionSettings settings, String name) {
        this.session = RecommenderSession.open(artifact, settings);
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    private ModelInput input(List<EvalCase> cases) {
        long[] times = cases.stream().mapToLong(EvalCase::timestamp).toArray();
        return HistoryEncoder.encode(cases.stream().map(EvalCase::history).toList(), times,
                session.manifest().maxHistory());
    }

    @Override
    public float[][] scoreCandidates(List<EvalCase> cases, List<List<String>> candidates) {
        float[][] scores = session.scoreCandidates(input(cases), HistoryEncoder.padded(candidates));
        for (int b = 0; b < scores.length; b++) {
            scores[b] = Arrays.copyOf(scores[b], candidates.get(b).size()); // drop the padding columns
        }
        return scores;
    }

    @Override
    public List<List<Ranked>> topItems(List<EvalCase> cases, List<List<String>> exclude, int k) {
        TopItems top = session.topItems(input(cases), HistoryEncoder.padded(exclude), k);
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
