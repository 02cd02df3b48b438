package dev.streamrec.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** dev's console: notes never glue onto the status line, the status fits a terminal line, a bar shows as one field. */
class LiveViewTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Test
    void shouldPrintANoteOnItsOwnLineAndRedrawTheStatusBelowIt() {
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        view.status("events in 10");
        view.note("dev: first recommendations: http://localhost:8080/recommendations/user-1?k=10");

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(printed).as("the note clears the status line first, then the status is drawn again below it")
                .endsWith("\r\u001b[Kdev: first recommendations: http://localhost:8080/recommendations/user-1?k=10\nevents in 10\u001b[K");
    }

    @Test
    void shouldCutTheStatusToOneTerminalLine() {
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        view.status("x".repeat(500));
        String drawn = bytes.toString(StandardCharsets.UTF_8).replace("\r", "").replace("\u001b[K", "");
        assertThat(drawn.length()).as("a wrapped line could not be redrawn in place").isLessThan(500).isGreaterThanOrEqualTo(39);
    }

    @Test
    void shouldShowTrainingProgressWithoutItsBarAndOneLinePerStatusWhenNotATerminal() {
        LiveView view = new LiveView(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        view.training("epoch 3 [=======>                      ]  24% 4,096/16,875  3,556/s  ETA 0:04");
        assertThat(view.trainingProgress()).isEqualTo("epoch 3 24% 4,096/16,875 3,556/s ETA 0:04");
        view.status("a");
        view.status("b");
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("a\nb\n");
    }
}
