package dev.streamrec.trainer.model;

/**
 * The pooling model plus in-graph item-to-item signals: {@code s(i) = pooling(i) + c(i) + e(i)}, where
 * {@code c} is the mixed co-occurrence table read over the last few events ({@link CoVisitation}) and
 * {@code e}, when present, a second table of the same shape read over a long history (the EASE weights;
 * null when absent). The model learns what counting misses (similar items never seen together,
 * popularity); the co-occurrence table adds what embeddings blur (exact "bought next" pairs); the long
 * table adds the user's long-term taste, which the recency-weighted pooling forgets. {@code denseEase}, when
 * present (null otherwise), is the dense alternative to the long table: every EASE weight, read over the
 * last {@link DenseEase#window} events ({@code --ease-dense}).
 */
public record HybridModel(SeqRecModel base, CoVisitation coVisitation, CoVisitation longTerm, DenseEase denseEase)
        implements RecModel {

    public HybridModel {
        if (denseEase != null && denseEase.rows != base.vocabulary.rows()) {
            throw new IllegalArgumentException("dense EASE matrix has " + denseEase.rows + " rows, the vocabulary "
                    + base.vocabulary.rows());
        }
        for (CoVisitation t : new CoVisitation[] {coVisitation, longTerm}) {
            if (t != null && t.tableRows() != base.vocabulary.rows()) {
                throw new IllegalArgumentException("co-visitation table has " + t.tableRows()
                        + " rows, the vocabulary " + base.vocabulary.rows());
            }
        }
        if (coVisitation == null) {
            throw new IllegalArgumentException("a hybrid model needs its co-visitation table");
        }
    }

    /** Without a long-history table. */
    public HybridModel(SeqRecModel base, CoVisitation coVisitation) {
        this(base, coVisitation, null, null);
    }

    /** Without the dense EASE term. */
    public HybridModel(SeqRecModel base, CoVisitation coVisitation, CoVisitation longTerm) {
        this(base, coVisitation, longTerm, null);
    }

    @Override
    public Vocabulary vocabulary() {
        return base.vocabulary;
    }

    @Override
    public int dim() {
        return base.dim;
    }

    /** The longest reading: the pooling model's, or the long table's or the dense EASE term's window when longer. */
    @Override
    public int maxHistory() {
        int m = longTerm == null ? base.maxHistory : Math.max(base.maxHistory, longTerm.window());
        return denseEase == null ? m : Math.max(m, denseEase.window);
    }

    @Override
    public float itemBias(int row) {
        return base.itemBias[row];
    }

    @Override
    public float[] scoreRows(History history) {
        float[] s = base.scoreRows(history);
        coVisitation.addTo(history, s);
        if (longTerm != null) {
            longTerm.addTo(history, s);
        }
        if (denseEase != null) {
            denseEase.addTo(history, s);
        }
        return s;
    }

    /** The tables' signal alone, every vocabulary row ({@code vocabularyRows} long, row 0 at 0). */
    public float[] signal(History history, int vocabularyRows) {
        float[] s = coVisitation.scores(history, vocabularyRows);
        if (longTerm != null) {
            longTerm.addTo(history, s);
            s[0] = 0f;
        }
        if (denseEase != null) {
            denseEase.addTo(history, s);
            s[0] = 0f;
        }
        return s;
    }

    @Override
    public float[] ageBoundaries() {
        return base.ageBoundaries;
    }
}
