package dev.streamrec.launcher.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streamrec.app.Application;
import dev.streamrec.app.cli.EventPublisher;
import dev.streamrec.app.model.ModelManager;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.broker.EmbeddedKafkaBroker;
import dev.streamrec.launcher.dev.DevLogging;
import dev.streamrec.console.CommandError;
import dev.streamrec.console.OptionRules;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.kafka.BrokerProbe;
import dev.streamrec.kafka.TopicAdmin;
import dev.streamrec.kafka.TopicSettings;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.publish.ModelPublisher;
import dev.streamrec.trainer.service.TrainingPipeline;
import dev.streamrec.trainer.train.TrainingSettings;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: events/s of the recommendation pipeline against plain consume-produce passes over
 * the same events on the same in-process broker, in one run, so the ratio carries over between
 * machines. The passes run one after the other, never at the same time.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"The performance harness: the pipeline's events/s against a plain Kafka consume-produce pass on the "
                + "same in-process broker (a Markdown table for BENCHMARKS.md), then the steady state (filled graph and "
                + "histories: throughput with and without the model, write volume per event, history bytes per event), "
                + "the latency at an offered rate, and optionally how cost grows with users and catalogue size.",
                "One progress line per phase on a terminal. Every figure is printed; --json-out FILE writes them as JSON."})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--events", defaultValue = "50000", description = {"Events to push through each pass of the table, and "
            + "through each measured steady-state window (default: ${DEFAULT-VALUE})."})
    int events;

    @Option(names = "--warmup-events", defaultValue = "200000", description = {"Steady state: events fed to a fresh app "
            + "before its measured windows, so that histories and co-visitation lists are filled; the fill reached "
            + "is printed (events held per user) (default: ${DEFAULT-VALUE})."})
    int warmupEvents;

    @Option(names = "--table", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Run the table (plain copies and the pipeline from cold, issue 2 / issue 4). --no-table "
                    + "goes straight to the steady-state phase, for side-by-side runs of settings; then there is no "
                    + "plain exactly-once figure and no ratio (default: ${DEFAULT-VALUE})."})
    boolean table;

    @Option(names = "--steady", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Run the steady-state phase after the table: one app (candidates mode) is warmed up with "
                    + "--warmup-events, then timed over --events more with its processing paused while they are "
                    + "published (heuristic ranking; write volume of every topic but the input by end-offset and "
                    + "log-size snapshots before and after; history bytes per held event), then offered "
                    + "--latency-rate events/s for --latency-seconds (latency phase), then, with --with-model, "
                    + "given the bench model on its own model-updates topic and timed over --events more with the "
                    + "model ranking. --no-steady prints the table alone (default: ${DEFAULT-VALUE})."})
    boolean steady;

    @Option(names = "--rounds", defaultValue = "1", description = {"Steady state: measured rounds of each window "
            + "(heuristic, then model) on the same app. Each round after the first runs the plain exactly-once copy "
            + "again (the table's events, a new output topic) and then one more --events window, so both sides of the "
            + "ratio are taken side by side with the JIT compilers further along; the rounds' figures are printed as a "
            + "table and written as \"rounds\", with the medians over rounds 2 and later as "
            + "warm_plain_eos_events_per_s_<window> and ratio_<window>_to_warm_plain_eos (and the sustained ratio). "
            + "The headline figures stay those of the first round, against the table's copy in a cold JVM "
            + "(default: ${DEFAULT-VALUE})."})
    int rounds;

    @Option(names = "--latency-rate", defaultValue = "1000", description = {"Latency phase: events/s offered "
            + "(default: ${DEFAULT-VALUE}). served_latency_ms: from the producer's send (linger --latency-linger-ms) until the user's "
            + "entry in the recommendations store (what GET /recommendations/{user} answers; the key's partition "
            + "read through interactive queries about every ms, oldest pending event per partition first) carries the event as its triggerEventId; topic_latency_ms: "
            + "until a list with that triggerEventId is readable on the recommendations topic (read_committed)."})
    double latencyRate;

    @Option(names = "--latency-served", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Latency phase: also take served_latency_ms (reads the recommendations store through "
                    + "interactive queries). --no-latency-served takes only topic_latency_ms, to see what the store "
                    + "reads cost the app (default: ${DEFAULT-VALUE})."})
    boolean latencyServed;

    @Option(names = "--latency-seconds", defaultValue = "20", description = "Latency phase: seconds offered (default: ${DEFAULT-VALUE}).")
    int latencySeconds;

    @Option(names = "--latency-warmup-seconds", defaultValue = "10", description = {"Latency phase: seconds of the same "
            + "offered rate before the measured --latency-seconds, printed but not counted: the first seconds after the "
            + "flat-out steady window have the longest tails, with the JIT compilers busiest then (BENCHMARKS.md, "
            + "issue 11). 0 measures from the first event (default: ${DEFAULT-VALUE})."})
    int latencyWarmupSeconds;

    @Option(names = "--latency-linger-ms", defaultValue = "0", description = {"Latency phase: linger.ms of the producer "
            + "that offers the events (default: ${DEFAULT-VALUE})."})
    int latencyLingerMs;

    @Option(names = "--scaling", defaultValue = "false", description = {"After the rest, how cost grows with users "
            + "(10k / 100k / 1M, catalogue --items) and catalogue size (1k / 100k items, --users users): a fresh app per "
            + "size, fed --scaling-events, then timed over --scaling-events more as in the steady-state phase "
            + "(heuristic ranking) (default: ${DEFAULT-VALUE})."})
    boolean scaling;

    @Option(names = "--scaling-events", defaultValue = "20000", description = "Warm-up and measured events per size "
            + "with --scaling (default: ${DEFAULT-VALUE}).")
    int scalingEvents;

    @Option(names = "--json-out", paramLabel = "FILE", description = {"Also write the figures as JSON to FILE: "
            + "plain_eos_events_per_s (the table's exactly-once copy), pipeline_events_per_s and model_events_per_s "
            + "(steady state, until the window's lists are out), ratio_pipeline_to_plain_eos, ratio_model_to_plain_eos, "
            + "pipeline_sustained_events_per_s and model_sustained_events_per_s with their ratios (until the app is idle "
            + "again: the item side caught up), served_latency_ms {p50, p99, max}, "
            + "topic_latency_ms {p50, p99, max}, bytes_written_per_event and records_written_per_event (steady "
            + "heuristic window until the app is idle again, as the app's producers sent them: every topic the app "
            + "writes, changelogs and repartitions included, batch overhead included, transaction markers not), "
            + "history_bytes_per_event, covisit_pairs and covisit_items (the pair store's fill after the latency phase), "
            + "load_average {before, after} (1/5/15 min of /proc/loadavg), latency_phase_cost (CPU, allocation, "
            + "collections, jitMillis, brokerRequests by API, commitParts: commits and the producers' flush, offsets and "
            + "transaction-commit ms per commit), latency_warmup_* (the warm-up's latencies), and the "
            + "details."})
    Path jsonOut;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the input topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--users", defaultValue = "5000", description = "Simulated users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--items", defaultValue = "5000", description = "Simulated catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--app-property", paramLabel = "KEY=VALUE", description = "Extra property for the app under test (repeatable), e.g. streamrec.scoring.mode=full.")
    Map<String, String> appProperties = new HashMap<>();

    @Option(names = "--with-model", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"After the heuristic pipeline pass, train a small model on the bench's own events with the trainer's "
                    + "Java API (dim 16, 1 epoch: seconds), publish it to the bench's model-updates topic and run the pipeline "
                    + "again over a fresh copy of the same events (published up front to a second input topic, own application "
                    + "id and output topic) with the model scoring (candidates mode). The model loads asynchronously while the "
                    + "app already consumes, so that row is measured only over the lists carrying the model's version, from "
                    + "the first to the last one read; lists ranked heuristically before the load are counted and reported. "
                    + "The steady-state phase ranks with the same model in its last window. "
                    + "--no-with-model skips both (default: ${DEFAULT-VALUE})."})
    boolean withModel;

    @Option(names = "--with-full-mode", defaultValue = "false",
            description = "With --with-model, one more model pass over a third copy of the events in full-catalogue mode "
                    + "(streamrec.scoring.mode=full) (default: ${DEFAULT-VALUE}).")
    boolean withFullMode;

    /** One measured pass; {@code heuristic} counts lists of a model pass read before the model served. */
    record Pass(String name, long records, double seconds, long heuristic) {
        Pass(String name, long records, double seconds) {
            this(name, records, seconds, 0);
        }

        double perSecond() {
            return records / seconds;
        }
    }

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = {"Run against this broker or cluster "
            + "instead of one started inside the bench's JVM, e.g. 'streamrec broker --brokers 1 --fresh' in another "
            + "terminal: the broker's CPU, heap and pauses then stay out of the measured process, as in production. "
            + "It must not hold bench topics yet (a fresh broker): the bench stops with one line otherwise."})
    String bootstrapServers;

    @Option(names = "--log-file", paramLabel = "FILE", description = {"Where the log lines of the broker and the apps "
            + "under test go, so that the console shows one progress line per phase and the results "
            + "(default: streamrec-bench.log in the temporary directory)."})
    Path logFile = Path.of(System.getProperty("java.io.tmpdir"), "streamrec-bench.log");

    @Override
    public Integer call() throws Exception {
        OptionRules.atLeast(spec, "--events", events, 1);
        OptionRules.atLeast(spec, "--warmup-events", warmupEvents, 0);
        OptionRules.positive(spec, "--latency-rate", latencyRate);
        OptionRules.atLeast(spec, "--latency-seconds", latencySeconds, 1);
        OptionRules.atLeast(spec, "--latency-warmup-seconds", latencyWarmupSeconds, 0);
        OptionRules.atLeast(spec, "--latency-linger-ms", latencyLingerMs, 0);
        OptionRules.atLeast(spec, "--scaling-events", scalingEvents, 1);
        OptionRules.atLeast(spec, "--rounds", rounds, 1);
        OptionRules.atLeast(spec, "--partitions", partitions, 1);
        OptionRules.atLeast(spec, "--users", users, 1);
        OptionRules.atLeast(spec, "--items", items, 2);
        if (bootstrapServers != null) {
            // a refused or unknown address in a second, not after the topic listing's 30-s timeout
            BrokerProbe.requireReachable(bootstrapServers, "--bootstrap-servers");
        }
        System.err.println("bench: logs in " + logFile.toAbsolutePath());
        try (DevLogging logging = DevLogging.toFile(logFile)) {
            return run();
        }
    }

    private int run() throws Exception {
        List<Double> loadBefore = LoadAverage.now();
        Map<String, Object> report = new LinkedHashMap<>();
        if (bootstrapServers != null) {
            List<String> used = benchTopics(bootstrapServers);
            if (!used.isEmpty()) {
                System.err.println("bench: " + bootstrapServers + " already holds bench topics " + used
                        + "; start a fresh broker (e.g. streamrec broker --brokers 1 --fresh) or delete them");
                return 2;
            }
        }
        // A null resource is not closed: with --bootstrap-servers the broker is someone else's.
        try (EmbeddedKafkaBroker broker = bootstrapServers == null ? EmbeddedKafkaBroker.startTemporary() : null) {
            String bootstrap = broker == null ? bootstrapServers : broker.bootstrapServers();
            report.put("broker", broker == null ? "external " + bootstrap : "in-process");
            String input = TABLE_INPUT;
            String modelInput = "bench-user-events-model";
            String fullInput = "bench-user-events-model-full";
            List<TopicSettings> topics = new ArrayList<>(List.of(
                    new TopicSettings(input, partitions, (short) 1, false),
                    new TopicSettings("bench-copy", partitions, (short) 1, false),
                    new TopicSettings("bench-copy-eos", partitions, (short) 1, false)));
            if (withModel) {
                topics.add(new TopicSettings(modelInput, partitions, (short) 1, false));
                if (withFullMode) {
                    topics.add(new TopicSettings(fullInput, partitions, (short) 1, false));
                }
            }
            TopicAdmin.ensureTopics(bootstrap, topics);
            List<UserEvent> simulated = simulate();
            // Every copy of the events is published before any timing starts.
            if (table) {
                publish(bootstrap, input, simulated);
            }
            if (table && withModel) {
                publish(bootstrap, modelInput, simulated);
                if (withFullMode) {
                    publish(bootstrap, fullInput, simulated);
                }
            }

            String version = null;
            double plainEos = Double.NaN;
            report.put("plain_eos_events_per_s", null);
            if (table) {
                Pass plain = copyPass(bootstrap, input, "bench-copy", false);
                Pass eos = copyPass(bootstrap, input, "bench-copy-eos", true);
                Pass pipeline = pipelinePass(bootstrap, input, "bench-recommendations", "bench-dlq", Map.of(), null,
                        "streamrec pipeline (validate, dedupe, history, co-visitation, trending, rank; exactly-once)");
                List<Pass> passes = new ArrayList<>(List.of(plain, eos, pipeline));
                if (withModel) {
                    version = trainAndPublish(bootstrap, simulated);
                    passes.add(modelPass(bootstrap, modelInput, "bench-recommendations-model", "bench-dlq-model", "candidates",
                            version));
                    if (withFullMode) {
                        passes.add(modelPass(bootstrap, fullInput, "bench-recommendations-model-full", "bench-dlq-model-full",
                                "full", version));
                    }
                }

                System.out.println();
                System.out.printf(Locale.ROOT, "| pass | events | seconds | events/s | pipeline / pass | pass / plain at-least-once "
                        + "| pass / plain exactly-once |%n|---|---|---|---|---|---|---|%n");
                for (Pass p : passes) {
                    System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %,.0f | %.2f | %.2f | %.2f |%n", p.name(), p.records(),
                            p.seconds(), p.perSecond(), pipeline.perSecond() / p.perSecond(), p.perSecond() / plain.perSecond(),
                            p.perSecond() / eos.perSecond());
                }
                if (withModel) {
                    System.out.println();
                    for (Pass p : passes.subList(3, passes.size())) {
                        System.out.printf(Locale.ROOT, "%s: model %s; %,d of %,d lists ranked heuristically before the model "
                                + "loaded (not in the row); the row covers the %,d lists with the model's version, first to last "
                                + "read.%n", p.name(), version, p.heuristic(), p.heuristic() + p.records(), p.records());
                    }
                }
                report.put("table", passes.stream().map(p -> row("pass", p.name(), "events", p.records(), "seconds",
                        p.seconds(), "events_per_s", p.perSecond())).toList());
                plainEos = eos.perSecond();
            } else if (withModel) {
                version = trainAndPublish(bootstrap, simulated);
            }
            report.put("plain_eos_events_per_s", table ? plainEos : null);
            if (steady) {
                steadyState(bootstrap, version, plainEos, report);
            }
            if (scaling) {
                report.put("scaling", scaling(bootstrap));
            }
        }
        List<Double> loadAfter = LoadAverage.now();
        report.put("load_average", row("before", loadBefore, "after", loadAfter));
        System.out.printf(Locale.ROOT, "%nload average (1, 5, 15 min): before %s, after %s%n", loadBefore, loadAfter);
        if (jsonOut != null) {
            Files.writeString(jsonOut, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(report) + System.lineSeparator());
            System.out.println("bench: figures written to " + jsonOut);
        }
        return 0;
    }

    /** Topics of an earlier bench run on the broker (names starting with "bench-", the apps' internal ones included). */
    static List<String> benchTopics(String bootstrap) {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).stream().filter(t -> t.startsWith("bench-"))
                    .sorted().toList();
        } catch (TimeoutException e) {
            throw new CommandError("no answer from " + bootstrap + " within 30 s");
        } catch (ExecutionException e) {
            throw new CommandError("cannot list the topics of " + bootstrap + ": " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandError("interrupted while listing the topics of " + bootstrap);
        } finally {
            admin.close(java.time.Duration.ofSeconds(1)); // nothing of ours is pending
        }
    }

    /**
     * The steady-state phase (see --steady): warm-up, the heuristic window, the latency probe, then the
     * model window on the same, fuller app. Puts its figures in {@code report}.
     */
    private void steadyState(String bootstrap, String version, double plainEos, Map<String, Object> report)
            throws Exception {
        String input = "bench-steady-events";
        String modelUpdates = "bench-steady-model-updates";
        TopicAdmin.ensureTopics(bootstrap, List.of(new TopicSettings(input, partitions, (short) 1, false)));
        // Another run seed than the table's: other event ids, same shop and shoppers (the model knows the items).
        ShopperSimulator sim = new ShopperSimulator(shop(users, items), 1L);
        long from = System.currentTimeMillis() - warmupEvents - events;
        List<UserEvent> warmup = simulate(sim, warmupEvents, from, from + warmupEvents);
        List<UserEvent> measured = simulate(sim, events, from + warmupEvents, from + warmupEvents + events);
        Map<String, Object> props = instanceProperties(bootstrap, input, "bench-steady-recommendations",
                "bench-steady-dlq", modelUpdates);
        props.putIfAbsent("streamrec.scoring.mode", "candidates");
        try (AppUnderTest app = new AppUnderTest(bootstrap, props, input, "bench-steady-recommendations")) {
            long t0 = System.nanoTime();
            app.feed(warmup, "steady warm-up");
            AppUnderTest.HistoryFill fill = app.history();
            System.out.printf(Locale.ROOT, "%nbench: warm-up of %,d events in %.1f s: %,d users hold %.1f events each "
                    + "on average%n", warmupEvents, (System.nanoTime() - t0) / 1e9, fill.users(), fill.eventsPerUser());
            long jit0 = CpuTime.jitMillis();
            AppUnderTest.Window pipeline = app.measure(measured, "steady pipeline", null);
            List<Map<String, Object>> roundRows = new ArrayList<>();
            roundRows.add(roundRow(1, "pipeline", plainEos, pipeline, CpuTime.jitMillis() - jit0));
            AppUnderTest.HistoryFill history = app.history();
            printWindow("steady pipeline (heuristic)", pipeline, plainEos);
            for (int r = 2; r <= rounds; r++) {
                roundRows.add(round(bootstrap, app, sim, "pipeline", r, null));
            }
            report.put("rounds", roundRows);
            report.put("pipeline_events_per_s", pipeline.eventsPerSecond());
            report.put("pipeline_stream_cpu_ms_per_event", pipeline.streamCpuMsPerEvent());
            report.put("pipeline_process_cpu_ms_per_event", pipeline.processCpuMsPerEvent());
            report.put("ratio_pipeline_to_plain_eos", ratio(pipeline.eventsPerSecond(), plainEos));
            sustained(report, "pipeline", pipeline, plainEos);
            report.put("model_events_per_s", null);
            report.put("ratio_model_to_plain_eos", null);
            // The window already waited for its item side (AppUnderTest.measure), so the latency phase starts idle.
            report.put("drain_after_steady", pipeline.drain());
            if (latencyWarmupSeconds > 0) {
                LatencyProbe.Result warm = LatencyProbe.run(app, bootstrap, input, sim, latencyRate,
                        latencyWarmupSeconds, latencyServed, latencyLingerMs);
                System.out.printf(Locale.ROOT, "%nbench: latency warm-up, not counted (%,d events in %.1f s): served "
                                + "p50 %.1f / p99 %.1f ms; topic p50 %.1f / p99 %.1f ms; whole process %.3f CPU ms per "
                                + "event%n", warm.sent(), warm.sendSeconds(), warm.served().p50(), warm.served().p99(),
                        warm.topic().p50(), warm.topic().p99(), warm.cost().processCpuSeconds() * 1e3 / warm.sent());
                report.put("latency_warmup_seconds", latencyWarmupSeconds);
                report.put("latency_warmup_served_latency_ms", warm.served());
                report.put("latency_warmup_topic_latency_ms", warm.topic());
            }
            LatencyProbe.Result latency = LatencyProbe.run(app, bootstrap, input, sim, latencyRate, latencySeconds,
                    latencyServed, latencyLingerMs);
            System.out.printf(Locale.ROOT, "%nbench: latency at %,.0f events/s offered (%,d sent in %.1f s): served "
                            + "p50 %.1f / p99 %.1f / max %.1f ms (%,d unresolved); topic p50 %.1f / p99 %.1f / max %.1f ms "
                            + "(%,d unresolved)%n", latency.offeredPerSecond(), latency.sent(), latency.sendSeconds(),
                    latency.served().p50(), latency.served().p99(), latency.served().max(), latency.served().unresolved(),
                    latency.topic().p50(), latency.topic().p99(), latency.topic().max(), latency.topic().unresolved());
            LatencyProbe.Cost cost = latency.cost();
            System.out.printf(Locale.ROOT, "bench: latency phase cost over %.1f s: served poller %.2f CPU s (%,d store "
                            + "reads in %,d sweeps), stream threads %.2f CPU s (%.3f ms per event), whole process %.2f CPU "
                            + "s (%.3f ms per event); stream threads allocated %.1f KB per event; collections %s%n",
                    cost.wallSeconds(), cost.pollerCpuSeconds(), cost.storeReads(),
                    cost.sweeps(), cost.streamThreadsCpuSeconds(), cost.streamThreadsCpuSeconds() * 1e3 / latency.sent(),
                    cost.processCpuSeconds(), cost.processCpuSeconds() * 1e3 / latency.sent(),
                    cost.streamThreadsAllocatedBytes() / 1e3 / latency.sent(), cost.gc());
            System.out.printf(Locale.ROOT, "bench: latency phase: JIT compilers %.1f s; broker requests per event %s%n",
                    cost.jitMillis() / 1e3, perEvent(cost.brokerRequests(), latency.sent()));
            System.out.printf(Locale.ROOT, "bench: latency phase: %.0f commits; per commit, the producers' flush %.1f ms, "
                            + "sending offsets %.1f ms, committing the transaction %.1f ms%n",
                    cost.commitParts().get("commits"), cost.commitParts().get("flush_ms_per_commit"),
                    cost.commitParts().get("txn_send_offsets_ms_per_commit"),
                    cost.commitParts().get("txn_commit_ms_per_commit"));
            System.out.println("bench: latency timeline (s: sent / records processed by the stream threads / served "
                    + "pending / topic pending):");
            StringBuilder line = new StringBuilder();
            for (LatencyProbe.Tick t : latency.timeline()) {
                line.append(String.format(Locale.ROOT, "  %.0f: %,d/%,.0f/%,d/%,d", t.seconds(), t.sent(), t.processed(),
                        t.servedPending(), t.topicPending()));
            }
            System.out.println(line);
            System.out.println("bench: stream-thread metrics as the sending ended: " + latency.threadMetrics());
            report.put("latency_phase_cost", cost);
            report.put("latency_phase_thread_metrics", latency.threadMetrics());
            if (pipeline.eventsPerSecond() < latencyRate) {
                System.out.printf(Locale.ROOT, "bench: the offered %,.0f events/s is above the %,.0f events/s measured "
                        + "just before: the latencies above are mostly queueing%n", latencyRate, pipeline.eventsPerSecond());
            }
            report.put("served_latency_ms", latency.served());
            report.put("topic_latency_ms", latency.topic());
            report.put("latency_offered_events_per_s", latency.offeredPerSecond());
            report.put("latency_events_sent", latency.sent());

            report.put("bytes_written_per_event", pipeline.bytesPerEvent());
            report.put("records_written_per_event", pipeline.recordsPerEvent());
            report.put("history_bytes_per_event", history.bytesPerEvent());
            report.put("history_events_per_user", history.eventsPerUser());
            report.put("history_users", history.users());
            AppUnderTest.PairFill pairs = app.pairs();
            System.out.printf(Locale.ROOT, "bench: the co-visit pair store holds %,d pairs of %,d items (%.1f per item)%n",
                    pairs.pairs(), pairs.items(), pairs.pairsPerItem());
            report.put("covisit_pairs", pairs.pairs());
            report.put("covisit_items", pairs.items());
            report.put("warmup_events", warmupEvents);
            report.put("measured_events", events);
            report.put("written_per_topic", perTopic(pipeline));

            if (version != null) {
                copyModelAnnouncements(bootstrap, MODEL_UPDATES, modelUpdates);
                awaitModel(app, version);
                long start = System.currentTimeMillis();
                List<UserEvent> modelEvents = simulate(sim, events, start - 1000, start);
                long modelJit0 = CpuTime.jitMillis();
                AppUnderTest.Window model = app.measure(modelEvents, "steady pipeline + model", version);
                roundRows.add(roundRow(1, "model", plainEos, model, CpuTime.jitMillis() - modelJit0));
                printWindow("steady pipeline + model (candidates, " + version + ")", model, plainEos);
                for (int r = 2; r <= rounds; r++) {
                    roundRows.add(round(bootstrap, app, sim, "model", r, version));
                }
                report.put("model_events_per_s", model.eventsPerSecond());
                report.put("ratio_model_to_plain_eos", ratio(model.eventsPerSecond(), plainEos));
                report.put("model_lists_not_by_model", model.otherLists());
                report.put("model_bytes_written_per_event", model.bytesPerEvent());
                report.put("model_records_written_per_event", model.recordsPerEvent());
                sustained(report, "model", model, plainEos);
            }
            if (rounds > 1) {
                printRounds(roundRows);
                warmSummary(report, roundRows, "pipeline");
                warmSummary(report, roundRows, "model");
            }
        }
    }

    /**
     * One more measured round (see --rounds): the plain exactly-once copy of the table's events to a new topic,
     * then an --events window of the steady app, ranked by {@code version} (null: heuristically).
     */
    private Map<String, Object> round(String bootstrap, AppUnderTest app, ShopperSimulator sim, String kind, int r,
                                      String version) throws Exception {
        double eos = Double.NaN;
        if (table) {
            String copy = "bench-copy-eos-" + kind + "-" + r;
            TopicAdmin.ensureTopics(bootstrap, List.of(new TopicSettings(copy, partitions, (short) 1, false)));
            eos = copyPass(bootstrap, TABLE_INPUT, copy, true).perSecond();
        }
        long start = System.currentTimeMillis();
        List<UserEvent> more = simulate(sim, events, start - 1000, start);
        long jit0 = CpuTime.jitMillis();
        AppUnderTest.Window w = app.measure(more, "steady " + kind + " round " + r, version);
        Map<String, Object> out = roundRow(r, kind, eos, w, CpuTime.jitMillis() - jit0);
        printWindow("steady " + kind + ", round " + r, w, eos);
        return out;
    }

    private static Map<String, Object> roundRow(int r, String kind, double plainEos, AppUnderTest.Window w, long jitMillis) {
        return row("round", r, "window", kind, "plain_eos_events_per_s", Double.isNaN(plainEos) ? null : plainEos,
                "events_per_s", w.eventsPerSecond(), "ratio_to_plain_eos", ratio(w.eventsPerSecond(), plainEos),
                "sustained_events_per_s", w.sustainedEventsPerSecond(),
                "ratio_sustained_to_plain_eos", ratio(w.sustainedEventsPerSecond(), plainEos),
                "stream_cpu_ms_per_event", w.streamCpuMsPerEvent(), "jit_seconds", jitMillis / 1e3);
    }

    /**
     * Medians over rounds 2 and later of one window kind: {@code warm_plain_eos_events_per_s_<kind>} and
     * {@code ratio_<kind>_to_warm_plain_eos}, each round's ratio taken side by side (see --rounds).
     */
    private static void warmSummary(Map<String, Object> report, List<Map<String, Object>> rows, String kind) {
        List<Map<String, Object>> later = rows.stream().filter(r -> kind.equals(r.get("window")) && (int) r.get("round") > 1
                && r.get("ratio_to_plain_eos") != null).toList();
        if (later.isEmpty()) {
            return;
        }
        report.put("warm_plain_eos_events_per_s_" + kind, median(later, "plain_eos_events_per_s"));
        report.put("ratio_" + kind + "_to_warm_plain_eos", median(later, "ratio_to_plain_eos"));
        report.put("ratio_sustained_" + kind + "_to_warm_plain_eos", median(later, "ratio_sustained_to_plain_eos"));
    }

    private static double median(List<Map<String, Object>> rows, String key) {
        double[] v = rows.stream().mapToDouble(r -> (Double) r.get(key)).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void printRounds(List<Map<String, Object>> rows) {
        System.out.printf(Locale.ROOT, "%n| round | window | plain exactly-once events/s | events/s | ratio | sustained "
                + "events/s | sustained ratio | stream CPU ms / event | JIT s in the window |%n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---:|%n");
        for (Map<String, Object> r : rows) {
            System.out.printf(Locale.ROOT, "| %d | %s | %s | %,.0f | %s | %,.0f | %s | %.3f | %.1f |%n", r.get("round"),
                    r.get("window"), r.get("plain_eos_events_per_s") == null ? "-"
                            : String.format(Locale.ROOT, "%,.0f", (Double) r.get("plain_eos_events_per_s")),
                    r.get("events_per_s"), twoDecimals(r.get("ratio_to_plain_eos")), r.get("sustained_events_per_s"),
                    twoDecimals(r.get("ratio_sustained_to_plain_eos")), r.get("stream_cpu_ms_per_event"),
                    r.get("jit_seconds"));
        }
    }

    private static String twoDecimals(Object ratio) {
        return ratio == null ? "-" : String.format(Locale.ROOT, "%.2f", (Double) ratio);
    }

    /** Each count divided by {@code events}, two decimals, largest first. */
    private static String perEvent(Map<String, Long> counts, long events) {
        StringBuilder out = new StringBuilder();
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).forEach(e ->
                out.append(out.isEmpty() ? "" : ", ").append(e.getKey()).append(' ')
                        .append(String.format(Locale.ROOT, "%.2f", (double) e.getValue() / Math.max(1, events))));
        return out.isEmpty() ? "(no broker in this JVM)" : out.toString();
    }

    /** {@code a / plainEos}, or null without the table's exactly-once copy (--no-table). */
    private static Double ratio(double a, double plainEos) {
        return Double.isNaN(plainEos) ? null : a / plainEos;
    }

    /** The window's figures until the app was idle again: {@code <prefix>_sustained_events_per_s} and the like. */
    private static void sustained(Map<String, Object> report, String prefix, AppUnderTest.Window w, double plainEos) {
        report.put(prefix + "_sustained_events_per_s", w.sustainedEventsPerSecond());
        report.put("ratio_sustained_" + prefix + "_to_plain_eos", ratio(w.sustainedEventsPerSecond(), plainEos));
        report.put(prefix + "_sustained_stream_cpu_ms_per_event", w.fullStreamCpuMsPerEvent());
        report.put(prefix + "_sustained_process_cpu_ms_per_event", w.fullProcessCpuMsPerEvent());
        report.put(prefix + "_sustained_stream_alloc_kb_per_event", w.fullStreamAllocatedKbPerEvent());
    }

    private static void printWindow(String name, AppUnderTest.Window w, double plainEos) {
        String ratio = Double.isNaN(plainEos) ? "no table run"
                : String.format(Locale.ROOT, "%.2fx the plain exactly-once copy", w.eventsPerSecond() / plainEos);
        String sustainedRatio = Double.isNaN(plainEos) ? "no table run"
                : String.format(Locale.ROOT, "%.2fx", w.sustainedEventsPerSecond() / plainEos);
        System.out.printf(Locale.ROOT, "%nbench: %s: %,d events in %.2f s = %,.0f events/s (%s); CPU per event: stream "
                        + "threads %.3f ms, whole process %.3f ms%n", name,
                w.events(), w.seconds(), w.eventsPerSecond(), ratio, w.streamCpuMsPerEvent(), w.processCpuMsPerEvent());
        System.out.printf(Locale.ROOT, "bench:   until the app was idle again (the item side caught up %,.0f records in "
                        + "%.1f s more): %,.0f events/s sustained (%s); CPU per event: stream threads %.3f ms, whole process "
                        + "%.3f ms; stream threads allocated %.1f KB per event; wrote %.1f records and %,.0f bytes per "
                        + "event:%n", w.drain().records(), w.drain().seconds(),
                w.sustainedEventsPerSecond(), sustainedRatio, w.fullStreamCpuMsPerEvent(), w.fullProcessCpuMsPerEvent(),
                w.fullStreamAllocatedKbPerEvent(), w.recordsPerEvent(), w.bytesPerEvent());
        w.perTopic().forEach((topic, a) -> System.out.printf(Locale.ROOT, "  %-70s %8.2f records/event %,10.0f bytes/event%n",
                topic, (double) a[0] / w.events(), (double) a[1] / w.events()));
    }

    private static Map<String, Object> perTopic(AppUnderTest.Window w) {
        Map<String, Object> out = new LinkedHashMap<>();
        w.perTopic().forEach((topic, a) -> out.put(topic, row("records_per_event", (double) a[0] / w.events(),
                "bytes_per_event", (double) a[1] / w.events())));
        return out;
    }

    /** Cost against users and catalogue size (see --scaling), one fresh app per size. */
    private List<Map<String, Object>> scaling(String bootstrap) throws Exception {
        int[][] sizes = {{10_000, items}, {100_000, items}, {1_000_000, items}, {users, 1_000}, {users, 100_000}};
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int[] size : sizes) {
            String tag = size[0] + "u-" + size[1] + "i";
            String input = "bench-scale-" + tag + "-events";
            String recs = "bench-scale-" + tag + "-recommendations";
            TopicAdmin.ensureTopics(bootstrap, List.of(new TopicSettings(input, partitions, (short) 1, false)));
            ShopperSimulator sim = new ShopperSimulator(shop(size[0], size[1]), 2L);
            long from = System.currentTimeMillis() - 2L * scalingEvents;
            List<UserEvent> warmup = simulate(sim, scalingEvents, from, from + scalingEvents);
            List<UserEvent> measured = simulate(sim, scalingEvents, from + scalingEvents, from + 2L * scalingEvents);
            Map<String, Object> props = instanceProperties(bootstrap, input, recs, "bench-scale-" + tag + "-dlq",
                    "bench-scale-model-updates");
            try (AppUnderTest app = new AppUnderTest(bootstrap, props, input, recs)) {
                app.feed(warmup, "scaling " + tag + " warm-up");
                AppUnderTest.Window w = app.measure(measured, "scaling " + tag, null);
                AppUnderTest.HistoryFill h = app.history();
                rows.add(row("users", size[0], "items", size[1], "events_per_s", w.eventsPerSecond(),
                        "records_written_per_event", w.recordsPerEvent(), "bytes_written_per_event", w.bytesPerEvent(),
                        "history_bytes_per_event", h.bytesPerEvent(), "history_users", h.users(),
                        "history_events_per_user", h.eventsPerUser()));
            }
        }
        System.out.printf(Locale.ROOT, "%nScaling (heuristic, %,d warm-up + %,d measured events per size):%n%n| users | items "
                + "| events/s | records written / event | bytes written / event | history bytes / event | users held "
                + "| events held / user |%n|---:|---:|---:|---:|---:|---:|---:|---:|%n", scalingEvents, scalingEvents);
        for (Map<String, Object> r : rows) {
            System.out.printf(Locale.ROOT, "| %,d | %,d | %,.0f | %.1f | %,.0f | %.1f | %,d | %.1f |%n", r.get("users"),
                    r.get("items"), r.get("events_per_s"), r.get("records_written_per_event"),
                    r.get("bytes_written_per_event"), r.get("history_bytes_per_event"), r.get("history_users"),
                    r.get("history_events_per_user"));
        }
        return rows;
    }

    /** Copies the model announcements (raw records) of one model-updates topic to another, from the start. */
    private static void copyModelAnnouncements(String bootstrap, String from, String to) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(from).stream()
                    .map(i -> new TopicPartition(from, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    producer.send(new ProducerRecord<>(to, null, r.timestamp(), r.key(), r.value(), r.headers()));
                }
            }
            producer.flush();
        }
    }

    private static void awaitModel(AppUnderTest app, String version) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!app.models().current().map(m -> m.version().equals(version)).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("steady state: model " + version + " not serving within 2 minutes");
            }
            Thread.sleep(50);
        }
    }

    /** An insertion-ordered map of alternating keys and values, for the JSON report. */
    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.put((String) kv[i], kv[i + 1]);
        }
        return out;
    }

    private static ShopperSimulator.Settings shop(int users, int items) {
        return ShopperSimulator.Settings.defaults().withUsers(users).withItems(items);
    }

    /** {@code n} events from {@code sim}, stamped evenly from {@code fromMs} to {@code toMs} (in the past). */
    private static List<UserEvent> simulate(ShopperSimulator sim, int n, long fromMs, long toMs) {
        List<UserEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(sim.next(fromMs + (toMs - fromMs) * i / Math.max(1, n)));
        }
        return out;
    }

    private List<UserEvent> simulate() {
        long now = System.currentTimeMillis();
        return simulate(new ShopperSimulator(shop(users, items)), events, now - events, now);
    }

    /**
     * Trains a small model on the bench's events through the trainer's own pipeline (train, export,
     * evaluate through ONNX Runtime, gate, announce) and publishes it to the bench's model-updates topic.
     *
     * @return the published version
     */
    private String trainAndPublish(String bootstrap, List<UserEvent> simulated) throws Exception {
        Path root = Files.createTempDirectory("streamrec-bench-models-");
        modelRoot = root;
        TrainingSettings training = TrainingSettings.defaults().withDim(16).withMaxHistory(10).withMaxEpochs(1)
                .withOptimiser(128, 32, 0.01f, 1e-5f).withSeed(42L);
        TrainingPipeline.Settings settings = TrainingPipeline.Settings.defaults(root, "seqrec").withTraining(training);
        long t0 = System.nanoTime();
        // With the table, its pipeline app has created the topic by now; with --no-table nothing has.
        TopicAdmin.ensureTopics(bootstrap, List.of(new TopicSettings(MODEL_UPDATES, 1, (short) 1, true)));
        try (ModelPublisher publisher = new ModelPublisher(bootstrap,
                Topics.DEFAULT.modelUpdates().withName(MODEL_UPDATES))) {
            TrainingPipeline.Outcome outcome = new TrainingPipeline(settings, publisher, Clock.systemUTC())
                    .run(EventLog.of(simulated, "bench"));
            if (!outcome.published()) {
                throw new IllegalStateException("bench model not published: " + outcome.reason());
            }
            System.out.printf(Locale.ROOT, "%nbench: trained and published model %s in %.1f s (%s)%n", outcome.version(),
                    (System.nanoTime() - t0) / 1e9, outcome.metrics().asMap());
            return outcome.version();
        }
    }

    private Pass modelPass(String bootstrap, String input, String recs, String dlq, String mode, String version)
            throws Exception {
        Map<String, Object> extra = new HashMap<>();
        extra.put("streamrec.scoring.mode", mode);
        Object batch = appProperties.getOrDefault("streamrec.scoring.batch-size", "64");
        return pipelinePass(bootstrap, input, recs, dlq, extra, version,
                "streamrec pipeline, model scoring (" + mode + ", batch " + batch + ")");
    }

    private void publish(String bootstrap, String topic, List<UserEvent> simulated) {
        try (EventPublisher publisher = new EventPublisher(bootstrap, Topics.DEFAULT.userEvents().withName(topic));
             ProgressBar progress = new ProgressBar("bench: publish " + topic, simulated.size())) {
            for (UserEvent e : simulated) {
                publisher.send(e);
                progress.step(1);
            }
            publisher.flush();
        }
    }

    /** A plain consumer-producer loop copying bytes, the floor any Kafka pipeline pays; transactional when {@code eos}. */
    private Pass copyPass(String bootstrap, String from, String to, boolean eos) {
        String name = eos ? "plain consume-produce, exactly-once (transactions)" : "plain consume-produce, at-least-once";
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-copy-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        if (eos) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-copy-" + UUID.randomUUID());
        }
        long copied = 0;
        long start;
        try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
             ProgressBar progress = new ProgressBar("bench: " + name, events)) {
            if (eos) {
                producer.initTransactions();
            }
            consumer.subscribe(List.of(from));
            start = System.nanoTime();
            while (copied < events) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                if (batch.isEmpty()) {
                    continue;
                }
                if (eos) {
                    producer.beginTransaction();
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    producer.send(new ProducerRecord<>(to, null, r.timestamp(), r.key(), r.value(), r.headers()));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                if (eos) {
                    producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                    producer.commitTransaction();
                } else {
                    producer.flush();
                    consumer.commitSync(offsets);
                }
                copied += batch.count();
                progress.step(batch.count());
            }
        }
        return new Pass(name, copied, (System.nanoTime() - start) / 1e9);
    }

    private static final String MODEL_UPDATES = "bench-model-updates";
    /** The table's input topic: its events are also what each later round (--rounds) copies again. */
    private static final String TABLE_INPUT = "bench-user-events";
    /** Where {@link #trainAndPublish} wrote the bench model; null before. */
    private Path modelRoot;

    /** The app's properties for one instance under test: its own application id, state dir and topics. */
    private Map<String, Object> instanceProperties(String bootstrap, String input, String recs, String dlq,
                                              String modelUpdates) throws java.io.IOException {
        Path state = Files.createTempDirectory("streamrec-bench-state-");
        Map<String, Object> props = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "kafka.streams.default.application.id", "streamrec-bench-" + UUID.randomUUID(),
                "kafka.streams.default.state.dir", state.toString(),
                "micronaut.server.port", -1,
                "streamrec.topics.user-events.name", input,
                "streamrec.topics.recommendations.name", recs,
                "streamrec.topics.user-events-dlq.name", dlq,
                "streamrec.topics.item-catalog.name", "bench-item-catalog",
                "streamrec.topics.model-updates.name", modelUpdates));
        // Per run, like user-events: the deletions topic takes the input's partition count when created.
        props.put("streamrec.topics.user-deletions.name", input + "-deletions");
        if (modelRoot != null) { // the app loads only artifacts under its roots, and keeps its model state per instance
            props.put("streamrec.models.artifact-roots", modelRoot.toString());
            props.put("streamrec.models.artifact-cache-dir", state.resolve("model-cache").toString());
        }
        props.putAll(appProperties);
        return props;
    }

    /**
     * The streams app on the same events; done when every recommendation is readable (read_committed).
     * With {@code modelVersion}, the pass is timed only over the lists carrying that version, from the
     * first to the last one read (the model loads asynchronously while the app already consumes);
     * the heuristic lists before it are counted, not timed.
     */
    private Pass pipelinePass(String bootstrap, String input, String recs, String dlq, Map<String, Object> extra,
                              String modelVersion, String name) throws Exception {
        Map<String, Object> props = instanceProperties(bootstrap, input, recs, dlq, MODEL_UPDATES);
        props.putAll(extra);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-recs-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long seen = 0;
        long withModel = 0;
        Map<String, Long> otherVersions = new HashMap<>();
        long start;
        long end;
        long firstModel = -1;
        long lastModel = -1;
        double loadSeconds = -1;
        try (ApplicationContext ctx = Application.start(props);
             var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             ProgressBar progress = new ProgressBar("bench: " + (modelVersion == null ? "pipeline" : "pipeline + model"),
                     events)) {
            KafkaStreams streams = ctx.getBean(KafkaStreams.class);
            long appStart = System.nanoTime();
            long readyDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < readyDeadline) {
                Thread.sleep(20);
            }
            start = System.nanoTime();
            consumer.subscribe(List.of(recs));
            ModelManager models = modelVersion == null ? null : ctx.getBean(ModelManager.class);
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen < events && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                if (models != null && loadSeconds < 0
                        && models.current().map(m -> m.version().equals(modelVersion)).orElse(false)) {
                    loadSeconds = (now - appStart) / 1e9;
                }
                if (modelVersion != null) {
                    for (ConsumerRecord<byte[], byte[]> r : batch) {
                        String v = String.valueOf(Serdes.RECOMMENDATIONS.fromBytes(r.value()).getModelVersion());
                        if (v.equals(modelVersion)) {
                            withModel++;
                            if (firstModel < 0) {
                                firstModel = now;
                            }
                            lastModel = now;
                        } else {
                            otherVersions.merge(v, 1L, Long::sum);
                        }
                    }
                }
                int n = batch.count();
                seen += n;
                progress.step(n);
            }
            end = System.nanoTime();
        }
        if (seen < events) {
            throw new IllegalStateException("pipeline produced " + seen + " of " + events + " recommendations within 10 minutes");
        }
        if (modelVersion == null) {
            return new Pass(name, seen, (end - start) / 1e9);
        }
        if (withModel < 2) {
            throw new IllegalStateException("model " + modelVersion + " served " + withModel + " of " + seen
                    + " lists; other versions: " + otherVersions);
        }
        long heuristic = seen - withModel;
        System.out.printf(Locale.ROOT, "%nbench: %s: model %s serving %.2f s after the app started; %,d lists with it, "
                        + "others by version %s; first model list read %.2f s after RUNNING; all %,d lists in %.2f s%n",
                name, modelVersion, loadSeconds, withModel, otherVersions, (firstModel - start) / 1e9, seen,
                (end - start) / 1e9);
        return new Pass(name, withModel, (lastModel - firstModel) / 1e9, heuristic);
    }
}
