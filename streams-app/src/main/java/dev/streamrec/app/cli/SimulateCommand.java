package dev.streamrec.app.cli;

import java.util.Iterator;
import java.util.concurrent.Callable;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.console.CommandError;
import dev.streamrec.console.OptionRules;
import dev.streamrec.console.ProgressBar;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.kafka.BrokerProbe;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.topics.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simulate}: publishes simulated shoppers' events to a running broker. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Publish simulated shoppers' events (latent tastes, Zipf popularity, sessions, view-click-cart-purchase funnel).")
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:19092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--topic", defaultValue = "user-events", description = "Target topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Spec
    CommandSpec spec;

    @Option(names = "--rate", defaultValue = "200", description = "Events per second, 0 for as fast as possible (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--count", defaultValue = "0", description = "Events to send, 0 for no end (default: ${DEFAULT-VALUE}).")
    long count;

    @Option(names = "--users", defaultValue = "2000", description = "Simulated users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--items", defaultValue = "1000", description = "Catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the shop: item clusters and users' tastes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--run-seed", description = "Seed of the event stream; the same seeds give the same events and event ids."
            + " Default: a new one each run, so a second run's events are not dropped as duplicates of the first's.")
    Long runSeed;

    @Option(names = "--tenant", defaultValue = TenantKeys.DEFAULT, description = "Shop (tenant) the events belong to:"
            + " a tenant other than ${DEFAULT-VALUE} gets its own users, items and state, keyed <tenant>|<userId> (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Override
    public Integer call() {
        OptionRules.atLeast(spec, "--rate", rate, 0);
        OptionRules.atLeast(spec, "--count", count, 0);
        OptionRules.atLeast(spec, "--users", users, 1);
        OptionRules.atLeast(spec, "--items", items, 2);
        String problem = TenantKeys.tenantProblem(tenant);
        if (problem != null) {
            throw new CommandError("--tenant: " + problem);
        }
        BrokerProbe.requireReachable(bootstrapServers, "--bootstrap-servers");
        EventPublisher.requireTopic(bootstrapServers, topic);
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults()
                .withUsers(users).withItems(items).withSeed(seed), runSeed != null ? runSeed : System.nanoTime() | 1L);
        try (EventPublisher publisher = new EventPublisher(bootstrapServers, Topics.DEFAULT.userEvents().withName(topic));
             ProgressBar progress = new ProgressBar("simulate", count > 0 ? count : -1)) {
            publisher.publish(events(sim, count, tenant), rate, progress);
            publisher.flush();
        }
        return 0;
    }

    /** Events stamped with the wall clock at generation time; unbounded when {@code count} is 0. */
    public static Iterator<UserEvent> events(ShopperSimulator sim, long count) {
        return events(sim, count, TenantKeys.DEFAULT);
    }

    /** As {@link #events(ShopperSimulator, long)}, of {@code tenant}'s shop. */
    public static Iterator<UserEvent> events(ShopperSimulator sim, long count, String tenant) {
        String normalized = TenantKeys.normalize(tenant);
        return new Iterator<>() {
            long n;

            @Override
            public boolean hasNext() {
                return count <= 0 || n < count;
            }

            @Override
            public UserEvent next() {
                n++;
                UserEvent e = sim.next(System.currentTimeMillis());
                e.setTenantId(normalized);
                return e;
            }
        };
    }
}
