package dev.streamrec.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The configuration tables of the docs against {@code application.yml}, the one source of defaults:
 * every {@code streamrec.*} key a table names exists there with the default the table gives, and
 * the full table (TOPOLOGY.md) names every {@code streamrec.*} key the file has.
 */
class ConfigurationDocsTest {

    private static final Path YML = Path.of("src/main/resources/application.yml");
    /** Per-topic keys ({@code streamrec.topics.<t>.*}) are documented once, as {@code <t>}. */
    private static final Set<String> TOPIC_SETTINGS = Set.of("create-on-start", "default-partitions",
            "default-replication-factor");
    private static final Pattern ROW = Pattern.compile("^\\|\\s*(`streamrec\\.[^|]*)\\|([^|]*)\\|");
    private static final Pattern CODE = Pattern.compile("`([^`]*)`");

    // Two plain tests rather than one @ParameterizedTest: Surefire's rerun of a failed parameterized
    // invocation (rerunFailingTestsCount) passed without re-checking it, so a stale TOPOLOGY.md row was
    // reported as a flake and the build stayed green.
    @Test
    void shouldDocumentTheDefaultsOfApplicationYmlInTopology() throws IOException {
        checkDefaults("TOPOLOGY.md");
    }

    @Test
    void shouldDocumentTheDefaultsOfApplicationYmlInReadme() throws IOException {
        checkDefaults("../README.md");
    }

    private static void checkDefaults(String doc) throws IOException {
        // given the flattened application.yml and the doc's configuration rows
        Map<String, String> yml = flatten(YML);
        Map<String, String> documented = documented(Path.of(doc));
        assertThat(documented).as("streamrec.* rows in %s", doc).isNotEmpty();

        // then each documented key is in the file, with the documented default
        documented.forEach((key, value) -> {
            assertThat(yml).as("%s documents %s, which application.yml lacks", doc, key).containsKey(key);
            assertThat(normal(yml.get(key))).as("default of %s in %s vs application.yml", key, doc)
                    .isEqualTo(normal(value));
        });
        if (doc.equals("TOPOLOGY.md")) {
            Set<String> missing = new TreeSet<>(yml.keySet());
            missing.removeAll(documented.keySet());
            missing.removeIf(k -> k.startsWith("streamrec.topics.")
                    && !TOPIC_SETTINGS.contains(k.substring("streamrec.topics.".length())));
            assertThat(missing).as("streamrec.* keys of application.yml missing from %s", doc).isEmpty();
        }
    }

    /** {@code streamrec.*} leaves of the yml file as dotted keys, values as text. */
    @SuppressWarnings("unchecked")
    static Map<String, String> flatten(Path yml) throws IOException {
        Map<String, Object> root = new Yaml().load(Files.readString(yml));
        Map<String, String> out = new LinkedHashMap<>();
        flatten("streamrec", (Map<String, Object>) root.get("streamrec"), out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> node, Map<String, String> out) {
        node.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m) {
                flatten(prefix + "." + k, (Map<String, Object>) m, out);
            } else {
                out.put(prefix + "." + k, v == null ? "" : v.toString());
            }
        });
    }

    /**
     * The rows {@code | `a.b.c` / `d` | `1` / `2` | ...}: siblings after a slash replace the last
     * segment of the first key, defaults pair up with the keys; {@code {x,y}} lists expand to one
     * key per item with the comma-separated defaults; "empty" is the empty string; "unset" and
     * {@code <t>} rows are skipped.
     */
    static Map<String, String> documented(Path doc) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        boolean defaultsTable = false; // only tables whose header names a default (others show recommended values)
        String previous = "";
        for (String line : Files.readAllLines(doc)) {
            if (line.startsWith("|") && !previous.startsWith("|")) {
                defaultsTable = line.toLowerCase(java.util.Locale.ROOT).contains("default");
            }
            previous = line;
            Matcher row = ROW.matcher(line);
            if (!defaultsTable || !row.find() || row.group(1).contains("<")) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            String first = null;
            for (String part : row.group(1).split(" / ")) {
                Matcher c = CODE.matcher(part);
                if (!c.find()) {
                    continue;
                }
                String k = c.group(1);
                if (first == null) {
                    first = k;
                } else {
                    k = first.substring(0, first.lastIndexOf('.') + 1) + k.replaceFirst("^\\.", "");
                }
                keys.add(k);
            }
            List<String> values = new ArrayList<>();
            for (String part : row.group(2).split(" / ")) {
                String p = part.strip();
                Matcher c = CODE.matcher(p);
                values.add(p.startsWith("unset") ? null : p.startsWith("empty") ? "" : c.find() ? c.group(1) : p);
            }
            if (keys.size() == 1 && keys.getFirst().contains("{")) {
                String k = keys.getFirst();
                String base = k.substring(0, k.indexOf('{'));
                String[] names = k.substring(k.indexOf('{') + 1, k.indexOf('}')).split(",");
                String[] defaults = values.getFirst().split(",\\s*");
                for (int i = 0; i < names.length; i++) {
                    out.put(base + names[i], defaults[i]);
                }
                continue;
            }
            for (int i = 0; i < keys.size(); i++) {
                String v = i < values.size() ? values.get(i) : null;
                if (v != null) {
                    out.put(keys.get(i), v);
                }
            }
        }
        return out;
    }

    /** 1 and 1.0 are the same default. */
    private static String normal(String v) {
        try {
            double d = Double.parseDouble(v);
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        } catch (NumberFormatException e) {
            return v;
        }
    }
}
