package dev.streamrec.app.config;

import dev.streamrec.app.filter.TenantRules;
import dev.streamrec.app.experiment.ExperimentRanker;
import dev.streamrec.app.tenant.TenantRanker;
import dev.streamrec.app.topology.AppTopics;
import dev.streamrec.app.topology.DeadLetters;
import dev.streamrec.app.topology.ProductionErrorHandler;
import dev.streamrec.app.scoring.ScoringSettings;
import dev.streamrec.app.topology.HeuristicRanker;
import dev.streamrec.app.topology.MicroBatching;
import dev.streamrec.app.topology.Ranker;
import dev.streamrec.app.topology.StreamrecTopology;
import dev.streamrec.app.topology.TopologyMetrics;
import dev.streamrec.app.topology.TopologySettings;
import dev.streamrec.avro.Recommendations;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.streams.kstream.KStream;

/**
 * Registers the topology on micronaut-kafka's {@code default} builder (micronaut-kafka always
 * creates that stream, and Kafka 4 refuses an empty topology, so the app's topology is the default
 * one). micronaut-kafka then builds and starts {@code KafkaStreams} from the builder and closes it
 * with the context. The topology ranks through the {@link TenantRanker}: the ranker of the user's tenant,
 * for the default tenant the {@link ExperimentRanker} (the user's experiment variant, else the primary
 * {@link Ranker}); the stream rules are per tenant ({@link TenantRules}).
 */
@Factory
public class TopologyFactory {

    /** The heuristic ranker; the model-backed one ({@code scoring.ModelRanker}, {@code @Primary}) replaces it. */
    @Singleton
    @Secondary
    Ranker heuristicRanker() {
        return new HeuristicRanker();
    }

    @Singleton
    @Named("streamrec")
    KStream<String, Recommendations> streamrecTopology(@Named("default") ConfiguredStreamBuilder builder,
                                                       TopologySettings settings, TenantRules rules,
                                                       AppTopics topics, TenantRanker ranker,
                                                       TopologyMetrics metrics, ScoringSettings scoring,
                                                       StreamrecProperties.Dlq dlq, StreamrecProperties.Errors errors) {
        java.util.Properties config = builder.getConfiguration();
        config.put(DeadLetters.MAX_RECORD_BYTES_CONFIG, String.valueOf(dlq.maxRecordBytes()));
        config.put(ProductionErrorHandler.RECORD_TOO_LARGE_POLICY_CONFIG, errors.recordTooLarge());
        StreamrecTopology.configure(config, topics, metrics);
        return StreamrecTopology.define(builder, settings, rules, topics, ranker, metrics,
                new MicroBatching(scoring.batchSize(), scoring.maxWait()));
    }
}
