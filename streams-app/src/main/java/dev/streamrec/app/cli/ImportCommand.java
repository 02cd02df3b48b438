package dev.streamrec.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.console.CommandError;
import dev.streamrec.console.OptionRules;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.events.EventCsv;
import dev.streamrec.kafka.BrokerProbe;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code import}: replays a dataset file into user-events in timestamp order. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Replay a dataset into user-events, in timestamp order, as fast as possible or at a rate.",
                "Formats: MovieLens u.data / *.rating (tab separated user item rating unixSeconds; rating >= 4 is a PURCHASE,"
                        + " lower a CLICK) and CSV userId,itemId,type,timestamp[,sessionId] (optional header; epoch ms or ISO-8601).",
                "Event ids are derived from each line, so importing a file twice is harmless: the app drops the duplicates."})
public final class ImportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "The file to import.")
    Path file;

    @Option(names = "--format", defaultValue = "AUTO", description = "AUTO, MOVIELENS or CSV (default: ${DEFAULT-VALUE}).")
    EventCsv.Format format;

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:19092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "user-events", description = "Target topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--rate", defaultValue = "0", description = "Events per second, 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--tenant", defaultValue = TenantKeys.DEFAULT, description = "Shop (tenant) the events belong to:"
            + " a tenant other than ${DEFAULT-VALUE} gets its own users, items and state, keyed <tenant>|<userId> (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        OptionRules.atLeast(spec, "--rate", rate, 0);
        String problem = TenantKeys.tenantProblem(tenant);
        if (problem != null) {
            throw new CommandError("--tenant: " + problem);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CommandError(file + ": " + (Files.exists(file) ? "not a readable file" : "no such file"));
        }
        List<UserEvent> events;
        try {
            events = EventCsv.read(file, format);
        } catch (EventCsv.BadLineException e) {
            throw new CommandError(e.getMessage());
        }
        String normalized = TenantKeys.normalize(tenant);
        events.forEach(e -> e.setTenantId(normalized));
        BrokerProbe.requireReachable(bootstrapServers, "--bootstrap-servers");
        EventPublisher.requireTopic(bootstrapServers, topic);
        try (EventPublisher publisher = new EventPublisher(bootstrapServers, Topics.DEFAULT.userEvents().withName(topic));
             ProgressBar progress = new ProgressBar("import " + file.getFileName(), events.size())) {
            publisher.publish(events.iterator(), rate, progress);
            publisher.flush();
        }
        System.err.printf("import: %,d events from %s published to %s%s%n", events.size(), file, topic,
                TenantKeys.isDefault(tenant) ? "" : " for tenant " + tenant);
        return 0;
    }
}
