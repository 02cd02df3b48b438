package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The in-memory pair store's heap warning: a task whose pairs take a quarter of the heap says so (once per task:
 * {@code CoVisitAggregator} checks at the start of each publication pass; the checks run in StreamrecTopologyTest's
 * in-memory runs, far below the threshold).
 */
class PairHeapWarningTest {

    private static final long GIB = 1L << 30;

    @Test
    void shouldWarnFromAQuarterOfTheHeapAtTheUpperBytesPerPair() {
        long quarter = GIB / 4 / PairStore.HEAP_BYTES_PER_PAIR; // 8,388,608 pairs of 32 bytes in a 1 GiB heap
        assertThat(PairStore.heapWarning(quarter - 1, GIB)).isNull();
        assertThat(PairStore.heapWarning(quarter + 1, GIB))
                .contains("8,388,609 co-visit pairs take about 256 MB of the 1,024 MB heap")
                .contains("streamrec.covisit.store=persistent");
        assertThat(PairStore.heapWarning(0, GIB)).isNull();
    }
}
