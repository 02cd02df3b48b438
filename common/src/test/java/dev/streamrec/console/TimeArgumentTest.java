package dev.streamrec.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class TimeArgumentTest {

    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");

    @Test
    void shouldAcceptEpochMillisAndIsoForms() {
        assertThat(TimeArgument.parse(Long.toString(T.toEpochMilli()))).as("epoch ms").isEqualTo(T);
        assertThat(TimeArgument.parse("2026-11-23T10:00:00Z")).as("instant").isEqualTo(T);
        assertThat(TimeArgument.parse("2026-11-23T10:00:00.000Z")).as("instant with millis").isEqualTo(T);
        assertThat(TimeArgument.parse("2026-11-23T11:00:00+01:00")).as("offset date-time").isEqualTo(T);
        assertThat(TimeArgument.parse("2026-11-23T10:00")).as("local date-time is UTC").isEqualTo(T);
        assertThat(TimeArgument.parse("2026-11-23")).as("date is UTC midnight")
                .isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
    }

    @Test
    void shouldGiveTheSameTimesAsEpochMillisForTheTrainersWindow() {
        TimeArgument.EpochMillis millis = new TimeArgument.EpochMillis();
        assertThat(millis.convert("2026-11-23T11:00:00+01:00")).isEqualTo(T.toEpochMilli());
        assertThat(millis.convert("2026-11-23T10:00")).isEqualTo(T.toEpochMilli());
        assertThatThrownBy(() -> millis.convert("soon")).isInstanceOf(picocli.CommandLine.TypeConversionException.class)
                .hasMessageContaining("bad time 'soon'");
    }

    @Test
    void shouldRejectGarbageWithAOneLineMessageListingTheFormats() {
        assertThatThrownBy(() -> TimeArgument.parse("yesterday"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad time 'yesterday'")
                .hasMessageContaining("ISO-8601")
                .hasMessageNotContaining("\n");
    }

    @Test
    void shouldRejectTimesBeforeTheEpochWhichKafkaReadsAsLatestOrEarliest() {
        assertThatThrownBy(() -> TimeArgument.parse("1969-06-01")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before 1970-01-01T00:00:00Z");
        assertThatThrownBy(() -> TimeArgument.parse("1969-12-31T23:59:59.999Z")).isInstanceOf(IllegalArgumentException.class);
        assertThat(TimeArgument.parse("0")).isEqualTo(Instant.EPOCH);
        assertThatThrownBy(() -> TimeArgument.parse("9999999999999999999")).as("beyond a long")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad time '9999999999999999999'");
    }
}
