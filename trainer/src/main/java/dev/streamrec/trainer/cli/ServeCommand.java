package dev.streamrec.trainer.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.streamrec.console.OptionRules;
import dev.streamrec.console.StopSignals;
import dev.streamrec.kafka.BrokerProbe;
import dev.streamrec.kafka.ClientProperties;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.service.TrainerService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trainer serve}: the retraining service until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Retrains every --interval-minutes or after --min-new-events new events, warm-starting from the "
                + "current artifact, and publishes through the gate. Stops on Ctrl-C / SIGTERM.")
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", required = true, description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--interval-minutes", defaultValue = "15", description = "Retrain at least this often (default: ${DEFAULT-VALUE}).")
    double intervalMinutes;

    @Option(names = "--min-new-events", defaultValue = "10000", description = "Retrain sooner after this many new events (default: ${DEFAULT-VALUE}).")
    long minNewEvents;

    @Option(names = "--lookback-hours", defaultValue = "0", description = "Train on the last N hours of events; 0 = all (default: ${DEFAULT-VALUE}).")
    double lookbackHours;

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

    @Mixin
    ModelOptions model;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        model.check();
        OptionRules.positive(spec, "--interval-minutes", intervalMinutes);
        OptionRules.atLeast(spec, "--min-new-events", minNewEvents, 1);
        OptionRules.atLeast(spec, "--lookback-hours", lookbackHours, 0);
        BrokerProbe.requireReachable(bootstrapServers, "--bootstrap-servers");
        TrainerService.Settings settings = TrainerService.Settings.defaults(bootstrapServers, model.artifactRoot, model.modelName)
                .withTopics(Topics.named(Map.of("user-events", userEventsTopic, "model-updates", modelUpdatesTopic,
                "user-deletions", userDeletionsTopic)))
                .withSchedule(Duration.ofMillis((long) (intervalMinutes * 60_000)), minNewEvents)
                .withLookback(Duration.ofMillis((long) (lookbackHours * 3_600_000)))
                .withPipeline(model.pipeline(true))
                .withKafkaClient(ClientProperties.load(commandConfig));
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGINT/SIGTERM stop the service before the JVM's shutdown starts (see StopSignals): in a shutdown hook,
        // ONNX Runtime's own hook would release its environment under the retrain's evaluation session
        StopSignals.route(stopped::countDown);
        try (TrainerService service = new TrainerService(settings)) {
            service.start();
            stopped.await();
        } // close() cancels a retrain in progress
        return 0;
    }
}
