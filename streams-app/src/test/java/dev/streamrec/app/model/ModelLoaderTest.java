package dev.streamrec.app.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelLoaderTest {

    @Test
    void shouldSayNothingWhenTheAppKeepsAsMuchHistoryAsTheModelReads() {
        assertThat(ModelLoader.historyShortfall("recommender", "v1", 20, 50)).isNull();
        assertThat(ModelLoader.historyShortfall("recommender", "v1", 50, 50)).isNull();
    }

    @Test
    void shouldNameTheSettingAndTheValueWhenTheModelReadsMoreThanTheAppKeeps() {
        // a dense-EASE hybrid reads up to 200 events; the app keeps its default 50
        String warning = ModelLoader.historyShortfall("recommender", "20261201T161100Z", 200, 50);

        assertThat(warning)
                .contains("model recommender version 20261201T161100Z")
                .contains("reads up to 200 events")
                .contains("keeps 50")
                .contains("set streamrec.history.max-events to 200");
    }
}
