package dev.streamrec.trainer.model;

/**
 * The pooling model plus an in-graph co-occurrence signal: {@code s(i) = pooling(i) + c(i)}
 * ({@link CoVisitation}). The model learns what counting misses (similar items never seen together,
 * popularity); the co-occurrence table adds what embeddings blur (exact "bought next" pairs).
 */
public record HybridModel(SeqRecModel base, CoVisitation coVisitation) implements RecModel {

    public HybridModel {
        if (coVisitation.tableRows() != base.vocabulary.rows()) {
            throw new IllegalArgumentException("co-visitation table has " + coVisitation.tableRows()
                    + " rows, the vocabulary " + base.vocabulary.rows());
        }
    }

    @Override
    public Vocabulary vocabulary() {
        return base.vocabulary;
    }

    @Override
    public int dim() {
        return base.dim;
    }

    @Override
    public int maxHistory() {
        return base.maxHistory;
    }

    @Override
    public float itemBias(int row) {
        return base.itemBias[row];
    }

    @Override
    public float[] scoreRows(History history) {
        float[] s = base.scoreRows(history);
        coVisitation.addTo(history, s);
        return s;
    }

    @Override
    public float[] ageBoundaries() {
        return base.ageBoundaries;
    }
}
