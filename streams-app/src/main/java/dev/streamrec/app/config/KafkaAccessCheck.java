package dev.streamrec.app.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.streamrec.kafka.TopicSettings;
import io.micronaut.configuration.kafka.streams.ConfiguredStreamBuilder;
import io.micronaut.configuration.kafka.streams.event.BeforeKafkaStreamStart;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before Kafka Streams starts (and before topics are created), logs in to the cluster with the app's
 * settings and looks at its topics, so that a wrong password, an untrusted certificate or a
 * principal without ACLs on a topic stops the start-up at once with one clear message, instead of
 * stream threads failing over and over later. A cluster that does not answer at all is not an error
 * here: Kafka Streams waits for it (see the README's fault table).
 */
@Singleton
public class KafkaAccessCheck implements ApplicationEventListener<BeforeKafkaStreamStart>, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaAccessCheck.class);

    private final TopicPlan plan;
    private final ConfiguredStreamBuilder builder;

    public KafkaAccessCheck(TopicPlan plan, @Named("default") ConfiguredStreamBuilder builder) {
        this.plan = plan;
        this.builder = builder;
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE; // before TopicCreator
    }

    @Override
    public void onApplicationEvent(BeforeKafkaStreamStart event) {
        Properties streams = builder.getConfiguration();
        String bootstrap = streams.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG);
        String who = identity(streams);
        Properties config = clientConfig(streams);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            List<String> names = plan.topics().stream().map(TopicSettings::name).toList();
            List<String> denied = new ArrayList<>();
            for (Map.Entry<String, KafkaFuture<TopicDescription>> e : admin.describeTopics(names).topicNameValues().entrySet()) {
                try {
                    e.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException failure) {
                    if (failure.getCause() instanceof TopicAuthorizationException) {
                        denied.add(e.getKey());
                    } else if (!(failure.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw failure;
                    }
                }
            }
            if (!denied.isEmpty()) {
                throw new KafkaAccessException("Kafka at " + bootstrap + " denies " + who + " access to topic(s) " + denied
                        + ": grant the principal ACLs on them (see the README's \"Securing Kafka\")");
            }
            LOG.info("Kafka at {} accepts {}", bootstrap, who);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof AuthenticationException) {
                throw new KafkaAccessException("Kafka at " + bootstrap + " refused " + who + ": " + cause.getMessage());
            }
            if (cause instanceof AuthorizationException) {
                throw new KafkaAccessException("Kafka at " + bootstrap + " denies " + who + ": " + cause.getMessage());
            }
            LOG.warn("could not check access to Kafka at {} ({}); Kafka Streams will keep trying", bootstrap, cause.toString());
        } catch (TimeoutException e) {
            LOG.warn("Kafka at {} did not answer within 30 s; Kafka Streams will keep trying", bootstrap);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaAccessException("interrupted while checking access to Kafka at " + bootstrap);
        }
    }

    /**
     * Settings for a client of the app beside Kafka Streams (admin clients, the followers' consumers): the
     * bootstrap servers and every security setting ({@code security.*}, {@code sasl.*}, {@code ssl.*}) the
     * Kafka Streams configuration holds.
     */
    public static Properties clientConfig(Properties streams) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, streams.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
        for (String key : streams.stringPropertyNames()) {
            if (key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                p.put(key, streams.getProperty(key));
            }
        }
        return p;
    }

    /** "user 'x' (SASL_SSL, SCRAM-SHA-512)", or the protocol alone; never the password. */
    private static String identity(Properties streams) {
        String protocol = streams.getProperty("security.protocol", "PLAINTEXT");
        String jaas = streams.getProperty("sasl.jaas.config", "");
        java.util.regex.Matcher user = java.util.regex.Pattern.compile("username=\"([^\"]*)\"").matcher(jaas);
        String mechanism = streams.getProperty("sasl.mechanism", "GSSAPI");
        return user.find() ? "user '" + user.group(1) + "' (" + protocol + ", " + mechanism + ")" : "this client (" + protocol + ")";
    }

    /** The app cannot use the cluster with its settings: wrong credentials, untrusted certificate, no ACLs. */
    public static final class KafkaAccessException extends IllegalStateException {
        KafkaAccessException(String message) {
            super(message);
        }
    }
}
