package dev.streamrec.app.model;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streamrec.app.scoring.ModelRejectedException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model manager's decisions that must survive a restart, in one JSON file (by default
 * {@code <artifact-cache-dir>/model-state.json}): the pinned version, the withdrawn versions (rolled
 * back from, or unhealthy), and the refused announcements, so that a restart neither serves a
 * version an admin moved away from nor fetches a refused one again. Written through a temporary
 * file and an atomic rename; a missing file is an empty state, an unreadable one is logged and
 * treated as empty. A null path keeps the state in memory only.
 */
final class ModelStateFile {

    private static final Logger LOG = LoggerFactory.getLogger(ModelStateFile.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A refused announcement: refused again without a fetch while name, uri and sha256 are the same. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Refusal(String name, String uri, String sha256, Reason reason, String message) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record State(String pinned, Set<String> withdrawn, Map<String, Refusal> refused) {
        State {
            withdrawn = withdrawn == null ? new TreeSet<>() : new TreeSet<>(withdrawn);
            refused = refused == null ? new TreeMap<>() : new TreeMap<>(refused);
        }

        static State empty() {
            return new State(null, null, null);
        }
    }

    private final Path file;

    ModelStateFile(Path file) {
        this.file = file;
    }

    State load() {
        if (file == null || !Files.exists(file)) {
            return State.empty();
        }
        try {
            State s = JSON.readValue(file.toFile(), State.class);
            LOG.info("model state from {}: pinned {}, withdrawn {}, {} refused announcement(s)", file,
                    s.pinned() == null ? "none" : s.pinned(), s.withdrawn(), s.refused().size());
            return s;
        } catch (IOException e) {
            LOG.error("cannot read the model state file {} ({}); starting without pins, withdrawals or refusals", file,
                    e.getMessage());
            return State.empty();
        }
    }

    void save(State state) {
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), state);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.error("cannot write the model state file {} ({}); pins and withdrawals will not survive a restart",
                    file, e.getMessage());
        }
    }
}
