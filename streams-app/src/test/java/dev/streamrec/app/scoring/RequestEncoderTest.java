package dev.streamrec.app.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.streamrec.app.topology.Candidate;
import dev.streamrec.model.ModelContract;
import dev.streamrec.onnx.ItemRows;
import org.junit.jupiter.api.Test;

/** The candidate tensor of a call: its width and padding. */
class RequestEncoderTest {

    private static ScoreRequest withCandidates(int n) {
        List<Candidate> c = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            c.add(new Candidate("i" + i, 0.5, "trending"));
        }
        return new ScoreRequest("u" + n, List.of(), c, Set.of(), 10, 0L);
    }

    @Test
    void shouldRoundTheWidestRequestUpToAMultipleOf32AtLeast16() {
        assertThat(RequestEncoder.candidateWidth(List.of(withCandidates(0)))).isEqualTo(16);
        assertThat(RequestEncoder.candidateWidth(List.of(withCandidates(16)))).isEqualTo(16);
        assertThat(RequestEncoder.candidateWidth(List.of(withCandidates(17)))).isEqualTo(32);
        assertThat(RequestEncoder.candidateWidth(List.of(withCandidates(3), withCandidates(150))))
                .as("150 candidates: 160 columns, not 256").isEqualTo(160);
        assertThat(RequestEncoder.candidateWidth(List.of(withCandidates(200)))).isEqualTo(224);
    }

    @Test
    void shouldPadShortRowsAndPaddingRowsWithThePadItem() {
        ItemRows rows = RequestEncoder.candidates(List.of(withCandidates(2), withCandidates(40)), 4);

        assertThat(rows.width()).isEqualTo(64);
        assertThat(rows.rows()).isEqualTo(4);
        assertThat(rows.get(0, 0)).isEqualTo("i0");
        assertThat(rows.get(0, 1)).isEqualTo("i1");
        assertThat(rows.get(0, 2)).isEqualTo(ModelContract.PAD_ITEM);
        assertThat(rows.get(1, 39)).isEqualTo("i39");
        assertThat(rows.get(1, 40)).isEqualTo(ModelContract.PAD_ITEM);
        assertThat(rows.get(3, 0)).as("padding row").isEqualTo(ModelContract.PAD_ITEM);
    }
}
