package dev.streamrec.app.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PairStoreTest {

    @Test
    void shouldReadTheTwoKindsAsWrittenInApplicationYml() {
        assertThat(PairStore.parse("persistent")).isEqualTo(PairStore.PERSISTENT);
        assertThat(PairStore.parse(" In-Memory ")).isEqualTo(PairStore.IN_MEMORY);
    }

    @Test
    void shouldRefuseAnythingElseNamingTheKey() {
        assertThatThrownBy(() -> PairStore.parse("rocksdb")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("streamrec.covisit.store must be persistent or in-memory, was 'rocksdb'");
        assertThatThrownBy(() -> PairStore.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
