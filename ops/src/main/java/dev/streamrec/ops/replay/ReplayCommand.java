package dev.streamrec.ops.replay;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.streamrec.avro.EventType;
import dev.streamrec.console.TimeArgument;
import dev.streamrec.ops.CommandErrors;
import dev.streamrec.ops.KafkaOptions;
import dev.streamrec.topics.DlqHeaders;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code replay} command: a thin picocli layer over {@link Replayer}. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = dev.streamrec.ops.OpsCli.Version.class,
        description = {
                "Copy a range of a topic into another topic, optionally filtered and rate-limited.",
                "",
                "Keys, values (byte for byte), timestamps and headers are kept; each record gets a header "
                        + DlqHeaders.REPLAYED_FROM + "=<topic>:<partition>:<offset> naming its source. The dead-letter "
                        + "error headers (Kafka Streams' " + DlqHeaders.STREAMS_ERRORS_PREFIX + "* and the app's "
                        + DlqHeaders.APP_ERRORS_PREFIX + "*) are dropped, so a record replayed from the DLQ into an "
                        + "input topic that fails again gets one fresh set (--keep-error-headers copies them too).",
                "The end of each partition is fixed when the replay starts, so a live topic does not keep it "
                        + "running. Writes use an idempotent producer (acks=all).",
                "Re-running a replay is harmless for user-events: the streams app drops events whose eventId "
                        + "it has seen.",
                ""},
        footer = {"",
                "Examples:",
                "  # what would a DLQ drain replay, by reason?",
                "  replay -s user-events-dlq --dry-run --header-match " + DlqHeaders.REASON + "=UNDECODABLE \\",
                "      --header-match " + DlqHeaders.DETAIL + "=UNKNOWN_SCHEMA",
                "  # drain it back into the input topic, 500 records/s",
                "  replay -s user-events-dlq -t user-events --rate 500 \\",
                "      --header-match " + DlqHeaders.REASON + "=UNDECODABLE",
                "  # one user's purchases in an incident window, into a scratch topic",
                "  replay -s user-events -t scratch --user user-42 --type PURCHASE \\",
                "      --from 2026-11-23T10:00:00Z --to 2026-11-23T11:00:00Z",
                "  # offsets 100 to 200 (inclusive) of partition 0, from 500 on of partition 3",
                "  replay -s user-events -t scratch \\",
                "      --partition-range 0:100-200 --partition-range 3:500-",
                "",
                "Exit codes: 0 done, 1 failed (message on stderr), 2 bad usage."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Option(names = {"-s", "--source"}, required = true, paramLabel = "TOPIC",
            description = "Topic to read, e.g. user-events or user-events-dlq.")
    String source;

    @Option(names = {"-t", "--target"}, paramLabel = "TOPIC",
            description = "Topic to write to (must exist). Not needed with --dry-run.")
    String target;

    @Option(names = "--from", paramLabel = "TIME", converter = TimeArgument.class,
            description = "Start at the first record with a timestamp at or after TIME: " + TimeArgument.FORMATS + ".")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", converter = TimeArgument.class,
            description = "Stop before the first record with a timestamp at or after TIME (exclusive).")
    Instant to;

    @Option(names = "--partition-range", paramLabel = "P:FROM-TO", split = ",",
            converter = PartitionRange.Converter.class,
            description = "Only these offsets (inclusive) of partition P; P:FROM- runs to the end. Repeatable; "
                    + "restricts the partitions read. Combines with --from/--to (both must hold).")
    List<PartitionRange> partitionRanges = new ArrayList<>();

    @Option(names = {"-u", "--user"}, paramLabel = "USER_ID", split = ",",
            description = "Only records of these users: the record key, or the userId of a UserEvent value.")
    List<String> users = new ArrayList<>();

    @Option(names = "--type", paramLabel = "TYPE", split = ",", converter = EventTypeConverter.class,
            description = "Only UserEvents of these types (${COMPLETION-CANDIDATES}); a value that does not decode "
                    + "as a UserEvent never matches.")
    List<EventType> types = new ArrayList<>();

    @Option(names = "--header-match", paramLabel = "NAME=REGEX", converter = HeaderMatch.Converter.class,
            description = "Only records with header NAME whose (latest) value contains a match of REGEX; anchor with "
                    + "^...$ for an exact match. Repeatable, all must match. E.g. " + DlqHeaders.REASON
                    + "=^UNDECODABLE$ or " + DlqHeaders.STREAMS_EXCEPTION + "=RecordDecodingException.")
    List<HeaderMatch> headerMatches = new ArrayList<>();

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "Write at most N records per second (default: no limit).")
    double rate;

    @Option(names = "--dry-run", description = "Read and count only (per partition); write nothing.")
    boolean dryRun;

    @Option(names = "--keep-error-headers",
            description = "Also copy the dead-letter error headers (" + DlqHeaders.STREAMS_ERRORS_PREFIX + "*, "
                    + DlqHeaders.APP_ERRORS_PREFIX + "*), e.g. to archive a DLQ into another topic.")
    boolean keepErrorHeaders;

    @Option(names = "--drop-header", paramLabel = "NAME", split = ",",
            description = "Do not copy headers with this name either. Repeatable.")
    List<String> dropHeaders = new ArrayList<>();

    @Option(names = "--no-progress", description = "No progress line on stderr.")
    boolean noProgress;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReplaySpec replay;
        try {
            replay = ReplaySpec.builder(source, target).from(from).to(to).partitionRanges(partitionRanges).users(users)
                    .types(types).headerMatches(headerMatches).rate(rate).dryRun(dryRun)
                    .keepErrorHeaders(keepErrorHeaders).dropHeaders(dropHeaders).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return CommandErrors.run(err, () -> {
            try {
                ReplayResult result = new Replayer(kafka.clientConfig(), noProgress ? null : System.err).replay(replay);
                result.notes().forEach(n -> err.println("note: " + n));
                err.flush();
                out.print(result.table());
                out.flush();
                return CommandErrors.OK;
            } catch (ReplayException e) {
                out.print(e.partialResult().table());
                out.flush();
                throw e;
            }
        });
    }

    /** Event types by name, in any case. */
    static final class EventTypeConverter implements CommandLine.ITypeConverter<EventType> {
        @Override
        public EventType convert(String value) {
            try {
                return EventType.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("unknown event type '" + value + "'; known types: "
                        + java.util.Arrays.toString(EventType.values()));
            }
        }
    }
}
