package dev.streamrec.trainer.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.streamrec.kafka.BrokerProbe;
import dev.streamrec.kafka.ClientProperties;
import dev.streamrec.console.TimeArgument;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.data.CsvEventSource;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.KafkaEventReader;
import dev.streamrec.trainer.publish.ModelPublisher;
import dev.streamrec.trainer.service.TrainingPipeline;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trainer train --once}: one run from Kafka or a CSV file. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Trains once: read events, train, export, evaluate new and current model through ONNX Runtime, "
                + "gate, publish.",
                "Events come from --input (MovieLens u.data / *.rating or userId,itemId,type,timestamp CSV) or from the "
                        + "user-events topic at --bootstrap-servers. With --bootstrap-servers a published model is announced "
                        + "on model-updates; with --input alone the artifact is only written."})
final class TrainCommand implements Callable<Integer> {

    @Option(names = "--once", description = "Run once and exit (what this command always does; 'serve' repeats).")
    boolean once;

    @ArgGroup(exclusive = false, multiplicity = "0..1")
    Window window;

    static final class Window {
        @Option(names = "--start", converter = TimeArgument.EpochMillis.class,
                description = "Earliest event time: " + TimeArgument.FORMATS + ".")
        Long start;

        @Option(names = "--end", converter = TimeArgument.EpochMillis.class,
                description = "Events before this time only: " + TimeArgument.FORMATS + ".")
        Long end;
    }

    @Option(names = "--input", description = "Read events from this file instead of Kafka.")
    Path input;

    @Option(names = "--bootstrap-servers", description = "Kafka to read user-events from (without --input) and announce to.")
    String bootstrapServers;

    @Option(names = "--command-config", paramLabel = "FILE",
            description = "Kafka client properties file (security.protocol, sasl.*, ssl.*), as for Kafka's own tools.")
    Path commandConfig;

    @Option(names = "--user-events-topic", defaultValue = "user-events", description = "Default: ${DEFAULT-VALUE}.")
    String userEventsTopic;

    @Option(names = "--model-updates-topic", defaultValue = "model-updates", description = "Default: ${DEFAULT-VALUE}.")
    String modelUpdatesTopic;

    @Option(names = "--user-deletions-topic", defaultValue = "user-deletions",
            description = "Erased users' events up to their request are left out. Default: ${DEFAULT-VALUE}.")
    String userDeletionsTopic;

    @Option(names = "--warm-start", description = "Start from the current artifact's weights (new items initialised).")
    boolean warmStart;

    @Option(names = "--tenant", defaultValue = "default", description = "Train on this tenant's events only (with "
            + "--model-name: the name its streamrec.tenants.<tenant>.model follows). Default: ${DEFAULT-VALUE}.")
    String tenant;

    @Mixin
    ModelOptions model;

    @Override
    public Integer call() {
        model.check();
        if (input == null && bootstrapServers == null) {
            throw new IllegalArgumentException("give --input <file> or --bootstrap-servers <host:port>");
        }
        Topics topics = Topics.named(Map.of("user-events", userEventsTopic, "model-updates", modelUpdatesTopic,
                "user-deletions", userDeletionsTopic));
        checkTenant(tenant, input, model.modelName);
        if (bootstrapServers != null) {
            // one line now rather than the Kafka clients' retries for a minute, then a metadata timeout
            BrokerProbe.requireReachable(bootstrapServers, "--bootstrap-servers");
        }
        EventLog events;
        if (input != null) {
            events = CsvEventSource.read(input);
        } else {
            KafkaEventReader.Window w = window == null ? KafkaEventReader.Window.ALL : new KafkaEventReader.Window(
                    window.start == null ? 0 : window.start, window.end == null ? Long.MAX_VALUE : window.end);
            events = new KafkaEventReader(bootstrapServers, ClientProperties.load(commandConfig), topics.userEvents(),
                    topics.userDeletions()).onlyTenant(tenant).read(w);
        }
        try (ModelPublisher publisher = bootstrapServers == null ? null
                : new ModelPublisher(bootstrapServers, ClientProperties.load(commandConfig), topics.modelUpdates())) {
            TrainingPipeline.Outcome outcome = new TrainingPipeline(model.pipeline(warmStart), publisher, Clock.systemUTC())
                    .run(events);
            System.out.println((outcome.published() ? "published " : "rejected ") + outcome.artifact() + ": " + outcome.reason());
            return outcome.published() ? 0 : 3;
        }
    }

    /**
     * A tenant's model is trained on its Kafka events only and published under its own name, never the
     * default tenant's.
     */
    static void checkTenant(String tenant, Path input, String modelName) {
        String problem = TenantKeys.tenantProblem(tenant);
        if (problem != null) {
            throw new IllegalArgumentException("--tenant: " + problem);
        }
        if (!TenantKeys.isDefault(tenant) && input != null) {
            throw new IllegalArgumentException("--tenant reads user-events from Kafka; an --input file has no tenants");
        }
        if (!TenantKeys.isDefault(tenant) && ModelOptions.DEFAULT_NAME.equals(modelName)) {
            throw new IllegalArgumentException("--tenant " + tenant + " needs --model-name: the model name of the tenant"
                    + " (streamrec.tenants." + tenant + ".model), not the default tenant's '" + ModelOptions.DEFAULT_NAME + "'");
        }
    }
}
