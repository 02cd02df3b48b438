package dev.streamrec.launcher.experiment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

import dev.streamrec.app.Application;
import dev.streamrec.app.cli.EventPublisher;
import dev.streamrec.launcher.dev.DevLogging;
import dev.streamrec.app.experiment.ExperimentRanker;
import dev.streamrec.app.experiment.ExperimentRules;
import dev.streamrec.app.model.ModelManager;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.Experiment;
import dev.streamrec.avro.ExperimentVariant;
import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.VariantRanker;
import dev.streamrec.broker.EmbeddedKafkaBroker;
import dev.streamrec.console.CommandError;
import dev.streamrec.console.OptionRules;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.events.EventCsv;
import dev.streamrec.kafka.TopicAdmin;
import dev.streamrec.kafka.TopicSettings;
import dev.streamrec.ops.experiment.ExperimentAnalysis;
import dev.streamrec.ops.experiment.ExperimentReport;
import dev.streamrec.ops.experiment.ExperimentReportCommand;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.publish.ModelPublisher;
import dev.streamrec.trainer.service.TrainingPipeline;
import dev.streamrec.trainer.train.TrainingSettings;
import io.micronaut.context.ApplicationContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code experiment replay}: a dataset file through an in-process broker and the streams app with an
 * experiment of two or more variants over all its users, then the same report as
 * {@code experiment report} over the second part of the data.
 *
 * <p>The events are sorted by time and split at {@code --train-fraction}: a model variant's model is
 * trained (by the trainer's own pipeline, in this process) on the first part only; every event, both
 * parts, goes through the app (the first part builds histories, the co-visitation graph and trending
 * for every variant alike); only lists triggered by second-part events are reported, hits counted
 * over second-part clicks and purchases.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare rankers on a dataset before going live: replay FILE through an embedded pipeline "
                + "with an A/B experiment and print the experiment report.", ""},
        footer = {"", "Examples:",
                "  experiment replay ../shared/datasets/ml-100k/u.data --variant control=heuristic --variant model=model",
                "  # A/A: two identical variants must show no significant difference",
                "  experiment replay ../shared/datasets/ml-100k/u.data --variant a=heuristic --variant b=heuristic",
                "", "Exit codes: 0 done, 1 failed (message on stderr), 2 bad usage."})
public final class ExperimentReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "MovieLens u.data or CSV userId,itemId,type,timestamp[,sessionId].")
    Path file;

    @Option(names = "--format", defaultValue = "AUTO", description = "AUTO, MOVIELENS or CSV (default ${DEFAULT-VALUE}).")
    EventCsv.Format format;

    @Option(names = "--variant", required = true, paramLabel = "NAME=RANKER",
            description = {"A variant (repeat: 2 to " + ExperimentRules.MAX_VARIANTS + "; the first is the control; equal "
                    + "shares): RANKER is heuristic, model, model:candidates or model:full, optionally ',k=N'."})
    List<String> variants = new ArrayList<>();

    @Option(names = "--train-fraction", defaultValue = "0.5",
            description = "Share of the events (by time) the model trains on and the report leaves out (default ${DEFAULT-VALUE}).")
    double trainFraction;

    @Option(names = "--epochs", defaultValue = "3", description = "Training epochs of a model variant's model (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--window", defaultValue = "PT30M", paramLabel = "DURATION",
            description = "How long after a list a click or purchase counts as its hit (default ${DEFAULT-VALUE}).")
    Duration window;

    @Option(names = "--salt", defaultValue = "replay", description = "Assignment salt (default ${DEFAULT-VALUE}).")
    String salt;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--log-file", paramLabel = "FILE", description = "Where the broker's and the app's log lines go.")
    Path logFile = Path.of(System.getProperty("java.io.tmpdir"), "streamrec-experiment-replay.log");

    private static final String EXPERIMENT = "replay";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // usage errors (exit 2) before the file is read
        Experiment experiment;
        try {
            experiment = experiment();
        } catch (CommandError e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--train-fraction must be more than 0 and less than 1, was " + trainFraction);
        }
        OptionRules.positive(spec, "--window", window);
        OptionRules.atLeast(spec, "--epochs", epochs, 1);
        List<UserEvent> events;
        try {
            if (!Files.isRegularFile(file)) {
                throw new CommandError(file + ": no such file");
            }
            events = new ArrayList<>(EventCsv.read(file, format));
            if (events.isEmpty()) {
                throw new CommandError(file + ": no events");
            }
        } catch (CommandError | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
        events.sort(Comparator.comparingLong(UserEvent::getTimestamp));
        long splitAt = events.get((int) (events.size() * trainFraction)).getTimestamp();
        List<UserEvent> train = events.stream().filter(e -> e.getTimestamp() < splitAt).toList();
        System.err.println("experiment replay: " + events.size() + " events from " + file + "; training part "
                + train.size() + " events before " + Instant.ofEpochMilli(splitAt) + "; logs in " + logFile.toAbsolutePath());
        try (DevLogging logging = DevLogging.toFile(logFile)) {
            ExperimentReport report = run(experiment, events, train, splitAt);
            System.out.print(json ? report.json() : report.text());
            return 0;
        }
    }

    private ExperimentReport run(Experiment experiment, List<UserEvent> events, List<UserEvent> train, long splitAt)
            throws Exception {
        long started = System.nanoTime();
        // No time-based retention: a dataset's events are years old, and the broker's default 7 days
        // would delete them from user-events at its next retention check, mid-replay.
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(0, null, Map.of("log.retention.ms", "-1"))) {
            String bootstrap = broker.bootstrapServers();
            Topics topics = Topics.DEFAULT;
            TopicAdmin.ensureTopics(bootstrap, List.of(new TopicSettings(topics.modelUpdates().name(), 1, (short) 1, true),
                    new TopicSettings("experiments", 1, (short) 1, true)));
            Path work = Files.createTempDirectory("streamrec-experiment-replay-");
            boolean needsModel = experiment.getVariants().stream().anyMatch(v -> v.getRanker() == VariantRanker.MODEL);
            if (needsModel) {
                trainAndPublish(bootstrap, work.resolve("models"), train);
            }
            publishExperiment(bootstrap, experiment);
            Map<String, Object> props = new HashMap<>();
            props.put("kafka.bootstrap.servers", bootstrap);
            props.put("kafka.streams.default.application.id", "streamrec-replay-" + UUID.randomUUID().toString().substring(0, 8));
            props.put("kafka.streams.default.state.dir", work.resolve("state").toString());
            props.put("micronaut.server.port", -1);
            props.put("streamrec.models.artifact-roots", work.resolve("models").toString());
            props.put("streamrec.models.artifact-cache-dir", work.resolve("cache").toString());
            props.put("streamrec.quality.window", window.toString());
            // An offline comparison: lists are read once per triggering event, so at-least-once with
            // longer commits (faster than exactly-once's 100 ms transactions) changes no figure.
            props.put("kafka.streams.default.processing.guarantee", "at_least_once");
            props.put("kafka.streams.default.commit.interval.ms", 1000);
            ApplicationContext ctx = Application.start(props);
            try {
                awaitReady(ctx, needsModel);
                List<Recommendations> lists = replay(ctx, bootstrap, events);
                List<ExperimentAnalysis.ListShown> shown = new ArrayList<>();
                Map<String, Long> triggerTime = new HashMap<>();
                events.forEach(e -> triggerTime.put(e.getEventId(), e.getTimestamp()));
                for (Recommendations r : lists) {
                    long t = triggerTime.getOrDefault(r.getTriggerEventId(), Long.MIN_VALUE);
                    if (t >= splitAt) {
                        shown.add(ExperimentReportCommand.list(r, t));
                    }
                }
                List<ExperimentAnalysis.Interaction> interactions = new ArrayList<>();
                for (UserEvent e : events) {
                    if (e.getTimestamp() >= splitAt && (e.getType() == EventType.CLICK || e.getType() == EventType.PURCHASE)) {
                        interactions.add(new ExperimentAnalysis.Interaction(e.getUserId(), e.getTimestamp(), e.getItemId()));
                    }
                }
                System.err.printf(Locale.ROOT, "experiment replay: %d lists, %d in the reported part, in %.0f s%n",
                        lists.size(), shown.size(), (System.nanoTime() - started) / 1e9);
                return ExperimentAnalysis.analyse(shown, interactions, window.toMillis(),
                        Map.of(EXPERIMENT, experiment.getVariants().getFirst().getName()));
            } finally {
                ctx.close();
            }
        }
    }

    /** The experiment the --variant options describe: equal shares, first = control. */
    Experiment experiment() {
        if (variants.size() < 2) {
            throw new CommandError("give at least two --variant NAME=RANKER");
        }
        int share = 100 / variants.size();
        List<ExperimentVariant> out = new ArrayList<>();
        for (String spec : variants) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new CommandError("--variant " + spec + ": expected NAME=RANKER");
            }
            String name = spec.substring(0, eq);
            String[] parts = spec.substring(eq + 1).split(",");
            ExperimentVariant.Builder b = ExperimentVariant.newBuilder().setName(name).setShare(share);
            String ranker = parts[0].strip().toLowerCase(Locale.ROOT);
            if (ranker.equals("heuristic")) {
                b.setRanker(VariantRanker.HEURISTIC);
            } else if (ranker.equals("model") || ranker.startsWith("model:")) {
                b.setRanker(VariantRanker.MODEL);
                if (ranker.startsWith("model:")) {
                    b.setScoringMode(ranker.substring("model:".length()));
                }
            } else {
                throw new CommandError("--variant " + spec + ": RANKER is heuristic, model, model:candidates or model:full");
            }
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip();
                if (!p.startsWith("k=")) {
                    throw new CommandError("--variant " + spec + ": unknown option '" + p + "' (k=N)");
                }
                try {
                    b.setK(Integer.parseInt(p.substring(2)));
                } catch (NumberFormatException e) {
                    throw new CommandError("--variant " + spec + ": k must be a number");
                }
            }
            out.add(b.build());
        }
        Experiment e = Experiment.newBuilder().setName(EXPERIMENT).setSalt(salt).setActive(true)
                .setUpdatedAt(System.currentTimeMillis()).setVariants(out).build();
        List<String> problems = ExperimentRules.problems(e, "");
        if (!problems.isEmpty()) {
            throw new CommandError("invalid variants: " + String.join("; ", problems));
        }
        return e;
    }

    private void trainAndPublish(String bootstrap, Path root, List<UserEvent> train) throws Exception {
        System.err.printf(Locale.ROOT, "experiment replay: training the model on %d events (%d epochs)...%n", train.size(), epochs);
        long t0 = System.nanoTime();
        TrainingPipeline.Settings settings = TrainingPipeline.Settings.defaults(root, "seqrec")
                .withTraining(TrainingSettings.defaults().withMaxEpochs(epochs));
        try (ModelPublisher publisher = new ModelPublisher(bootstrap, Topics.DEFAULT.modelUpdates())) {
            TrainingPipeline.Outcome outcome = new TrainingPipeline(settings, publisher, Clock.systemUTC())
                    .run(EventLog.of(train, file.toString()));
            if (!outcome.published()) {
                throw new IllegalStateException("the model was not published: " + outcome.reason());
            }
            System.err.printf(Locale.ROOT, "experiment replay: model %s trained in %.0f s, offline %s%n", outcome.version(),
                    (System.nanoTime() - t0) / 1e9, outcome.metrics().asMap());
        }
    }

    private static void publishExperiment(String bootstrap, Experiment e) {
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>("experiments", e.getName().getBytes(StandardCharsets.UTF_8),
                    Serdes.EXPERIMENT.toBytes(e))).get();
        } catch (Exception ex) {
            throw new IllegalStateException("could not write the experiment: " + ex.getMessage(), ex);
        }
    }

    private static void awaitReady(ApplicationContext ctx, boolean needsModel) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        KafkaStreams streams = ctx.getBean(KafkaStreams.class);
        ExperimentRanker ranker = ctx.getBean(ExperimentRanker.class);
        ModelManager models = ctx.getBean(ModelManager.class);
        while (streams.state() != KafkaStreams.State.RUNNING || ranker.live().isEmpty()
                || (needsModel && models.current().isEmpty())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the app was not ready within 3 minutes (streams " + streams.state()
                        + ", experiments " + ranker.live().size() + ", model " + models.current().isPresent() + ")");
            }
            Thread.sleep(100);
        }
    }

    /** Publishes every event and reads a list per event (read_committed). */
    private static List<Recommendations> replay(ApplicationContext ctx, String bootstrap, List<UserEvent> events) {
        try (EventPublisher publisher = new EventPublisher(bootstrap, Topics.DEFAULT.userEvents());
             ProgressBar progress = new ProgressBar("experiment replay: publish", events.size())) {
            for (UserEvent e : events) {
                publisher.send(e);
                progress.step(1);
            }
            publisher.flush();
        }
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "experiment-replay-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Recommendations> out = new ArrayList<>(events.size());
        Set<String> triggers = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             ProgressBar progress = new ProgressBar("experiment replay: lists", events.size())) {
            consumer.subscribe(List.of(Topics.DEFAULT.recommendations().name()));
            long lastProgress = System.nanoTime();
            while (triggers.size() < events.size()) {
                int before = triggers.size();
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Recommendations recs = Serdes.RECOMMENDATIONS.fromBytes(r.value());
                    if (triggers.add(recs.getTriggerEventId())) {
                        out.add(recs);
                        progress.step(1);
                    }
                }
                if (triggers.size() > before) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > Duration.ofMinutes(2).toNanos()) {
                    throw new IllegalStateException("no new list for 2 minutes; have " + triggers.size() + " of "
                            + events.size() + " (dead-lettered events get none: see the log)");
                }
            }
        }
        return out;
    }
}
