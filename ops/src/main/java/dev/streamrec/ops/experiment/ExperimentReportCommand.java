package dev.streamrec.ops.experiment;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.console.OptionRules;
import dev.streamrec.console.TimeArgument;
import dev.streamrec.ops.CommandErrors;
import dev.streamrec.ops.KafkaOptions;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.TenantKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code experiment report}: the A/B report of the lists on the recommendations topic over a time range. */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = dev.streamrec.ops.OpsCli.Version.class,
        description = {
                "Per experiment and variant: recommendation lists, hits, hit rate with a 95%% Wilson interval, "
                        + "relative lift against the control with its 95%% interval, and the two-proportion z-test "
                        + "p-value (significant below 0.05).",
                "",
                "Reads the lists on the recommendations topic with a timestamp in [--from, --to) (a list's "
                        + "timestamp is its triggering event's) and the user events up to --to + --window. A list "
                        + "is a hit when its user clicks or buys one of its items within --window after it (the "
                        + "app's online hit rate@k, computed afterwards). Lists outside any experiment are left out.",
                ""},
        footer = {"",
                "Example:",
                "  experiment report -b localhost:9092 --from 2026-11-23T00:00:00Z --to 2026-11-24T00:00:00Z",
                "",
                "Exit codes: 0 done, 1 failed (message on stderr), 2 bad usage."})
public final class ExperimentReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--recommendations-topic", defaultValue = "recommendations", paramLabel = "TOPIC",
            description = "Default: ${DEFAULT-VALUE}.")
    String recommendationsTopic;

    @Option(names = "--events-topic", defaultValue = "user-events", paramLabel = "TOPIC",
            description = "Default: ${DEFAULT-VALUE}.")
    String eventsTopic;

    @Option(names = "--from", paramLabel = "TIME", converter = TimeArgument.class,
            description = "First list time (inclusive): " + TimeArgument.FORMATS + ". Default: the beginning.")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = TimeArgument.class,
            description = "Last list time (exclusive). Default: now.")
    Instant to;

    @Option(names = "--window", defaultValue = "PT30M", paramLabel = "DURATION",
            description = "How long after a list a click or purchase counts as its hit, ISO-8601 "
                    + "(default ${DEFAULT-VALUE}, as streamrec.quality.window).")
    Duration window;

    @Option(names = "--experiment", paramLabel = "NAME", description = "Only this experiment.")
    String experiment;

    @Option(names = "--control", paramLabel = "EXPERIMENT=VARIANT",
            description = "The control variant of an experiment (repeatable); default: the variant named "
                    + "'control', else the first by name.")
    Map<String, String> control = new HashMap<>();

    @Option(names = "--json", description = "Print JSON instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        OptionRules.positive(spec, "--window", window);
        OptionRules.before(spec, "--from", from, "--to", to);
        return CommandErrors.run(err, () -> {
            Map<String, Object> config = kafka.clientConfig();
            long fromMs = from == null ? 0 : from.toEpochMilli();
            long toMs = to == null ? System.currentTimeMillis() : to.toEpochMilli();
            long[] undecodable = new long[1];
            List<ExperimentAnalysis.ListShown> lists = new ArrayList<>();
            TopicRange.read(config, recommendationsTopic, fromMs, toMs, r -> {
                if (r.value() == null) {
                    return; // a tombstone: the app erased the user (user-deletions), no list shown
                }
                try {
                    Recommendations recs = Serdes.RECOMMENDATIONS.fromBytes(r.value());
                    if (experiment == null || experiment.equals(recs.getExperiment())) {
                        lists.add(list(recs, r.timestamp()));
                    }
                } catch (RuntimeException e) {
                    undecodable[0]++;
                }
            });
            List<ExperimentAnalysis.Interaction> interactions = new ArrayList<>();
            long eventsTo = toMs > Long.MAX_VALUE - window.toMillis() ? Long.MAX_VALUE : toMs + window.toMillis();
            TopicRange.read(config, eventsTopic, fromMs, eventsTo, r -> {
                try {
                    UserEvent e = Serdes.USER_EVENT.fromBytes(r.value());
                    if (e.getType() == EventType.CLICK || e.getType() == EventType.PURCHASE) {
                        interactions.add(new ExperimentAnalysis.Interaction(
                                TenantKeys.scope(e.getTenantId(), e.getUserId()), e.getTimestamp(), e.getItemId()));
                    }
                } catch (RuntimeException e) {
                    undecodable[0]++;
                }
            });
            if (undecodable[0] > 0) {
                err.println("skipped " + undecodable[0] + " undecodable record(s)");
            }
            ExperimentReport report = ExperimentAnalysis.analyse(lists, interactions, window.toMillis(), control);
            out.print(json ? report.json() : report.text());
            out.flush();
            return CommandErrors.OK;
        });
    }

    /** A recommendations record as a list shown at {@code time} (its triggering event's time). */
    public static ExperimentAnalysis.ListShown list(Recommendations recs, long time) {
        List<String> items = new ArrayList<>(recs.getItems().size());
        for (RecommendedItem i : recs.getItems()) {
            items.add(i.getItemId());
        }
        // Users by tenant: the same user id in two shops is two users.
        return new ExperimentAnalysis.ListShown(TenantKeys.scope(recs.getTenantId(), recs.getUserId()), time,
                recs.getExperiment(), recs.getVariant(), items);
    }
}
