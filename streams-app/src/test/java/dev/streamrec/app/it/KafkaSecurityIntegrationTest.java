package dev.streamrec.app.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.streamrec.app.Application;
import dev.streamrec.app.Main;
import dev.streamrec.app.config.KafkaAccessCheck;
import dev.streamrec.app.scoring.TrainedModels;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.broker.EmbeddedKafkaCluster;
import dev.streamrec.kafka.TopicAdmin;
import dev.streamrec.kafka.TopicSettings;
import dev.streamrec.kafka.testing.TestCertificates;
import dev.streamrec.topics.Topics;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.data.KafkaEventReader;
import dev.streamrec.trainer.publish.ModelPublisher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-process cluster with a SASL_SSL listener (SCRAM-SHA-512 over TLS, certificate made at
 * test time) and ACLs (StandardAuthorizer): the app, the trainer's reader and publisher, and the
 * replay tool connect with configuration only; a wrong password and a principal without ACLs fail
 * at once with one clear message.
 */
@Tag("integration")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KafkaSecurityIntegrationTest {

    static final String ADMIN = "admin";
    static final String ADMIN_PASSWORD = "admin-secret";
    static final String APP = "streamrec-app";
    static final String TRAINER = "streamrec-trainer";
    static final String OPS = "streamrec-ops";
    static final String NOBODY = "nobody";

    @Test
    void shouldConnectWithConfigurationOnlyAndRefuseWrongPasswordsAndMissingAcls() throws Exception {
        Path work = Files.createTempDirectory("streamrec-security-it-");
        TestCertificates certs = TestCertificates.generate(work);
        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start(1, 0, null, Map.of(),
                new EmbeddedKafkaCluster.SecureListener(certs.keyStore(), certs.password(), ADMIN, ADMIN_PASSWORD))) {
            String bootstrap = cluster.secureBootstrapServers();
            Map<String, String> asAdmin = certs.clientSettings(ADMIN, ADMIN_PASSWORD);
            Map<String, Object> appSettings = appSecurity(certs, APP, "app-secret");
            appSettings.put("streamrec.models.artifact-roots", work.toString()); // the trainer's artifacts below
            TestApp app = new TestApp(bootstrap, appSettings);
            String userEvents = app.topic("user-events");
            String modelUpdates = app.topic("model-updates");
            String scratch = app.id + ".scratch";
            try (Admin admin = Admin.create(new HashMap<>(clientConfig(bootstrap, asAdmin)))) {
                // given SCRAM users made by the super user, and ACLs for each principal's job
                admin.alterUserScramCredentials(List.of(scram(APP, "app-secret"), scram(TRAINER, "trainer-secret"),
                        scram(OPS, "ops-secret"), scram(NOBODY, "nobody-secret"))).all().get(30, TimeUnit.SECONDS);
                List<AclBinding> acls = new ArrayList<>(List.of(
                        // the app: its internal topics (changelogs, repartitions, item-neighbours, trending-items),
                        // consumer group and transactional ids all start with its application id
                        allow(APP, ResourceType.TOPIC, app.id + "-", PatternType.PREFIXED, AclOperation.ALL),
                        allow(APP, ResourceType.GROUP, app.id, PatternType.LITERAL, AclOperation.READ),
                        allow(APP, ResourceType.TRANSACTIONAL_ID, app.id + "-", PatternType.PREFIXED, AclOperation.WRITE),
                        allow(APP, ResourceType.TRANSACTIONAL_ID, app.id + "-", PatternType.PREFIXED, AclOperation.DESCRIBE)));
                // and the shared topics, each with what the app does to it (CREATE: streamrec.topics.create-on-start)
                for (String read : List.of("user-events", "item-catalog", "model-updates", "user-deletions", "experiments")) {
                    for (AclOperation op : List.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.CREATE)) {
                        acls.add(allow(APP, ResourceType.TOPIC, app.topic(read), PatternType.LITERAL, op));
                    }
                }
                for (String written : List.of("recommendations", "user-events-dlq", "user-deletions")) {
                    for (AclOperation op : List.of(AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
                        acls.add(allow(APP, ResourceType.TOPIC, app.topic(written), PatternType.LITERAL, op));
                    }
                }
                acls.addAll(List.of(
                        // the trainer reads events and announces models
                        allow(TRAINER, ResourceType.TOPIC, userEvents, PatternType.LITERAL, AclOperation.READ),
                        allow(TRAINER, ResourceType.TOPIC, userEvents, PatternType.LITERAL, AclOperation.DESCRIBE),
                        allow(TRAINER, ResourceType.TOPIC, modelUpdates, PatternType.LITERAL, AclOperation.WRITE),
                        allow(TRAINER, ResourceType.TOPIC, modelUpdates, PatternType.LITERAL, AclOperation.DESCRIBE),
                        // on-call replays events into a scratch topic
                        allow(OPS, ResourceType.TOPIC, userEvents, PatternType.LITERAL, AclOperation.READ),
                        allow(OPS, ResourceType.TOPIC, userEvents, PatternType.LITERAL, AclOperation.DESCRIBE),
                        allow(OPS, ResourceType.TOPIC, scratch, PatternType.LITERAL, AclOperation.WRITE),
                        allow(OPS, ResourceType.TOPIC, scratch, PatternType.LITERAL, AclOperation.DESCRIBE)));
                admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            }
            try (Admin admin = admin(bootstrap, asAdmin)) {
                TopicAdmin.ensureTopics(admin, List.of(new TopicSettings(scratch, 1, (short) 1, false)));
            }

            // when the app starts with a wrong password, then start-up fails at once with one clear line
            TestApp wrongPassword = new TestApp(bootstrap, appSecurity(certs, APP, "not-the-password"));
            long t0 = System.nanoTime();
            assertThatThrownBy(wrongPassword::start).satisfies(e -> assertThat(rootCause(e))
                    .isInstanceOf(KafkaAccessCheck.KafkaAccessException.class)
                    .hasMessageContaining("refused user '" + APP + "'").hasMessageContaining("invalid credentials")
                    .hasMessageNotContaining("not-the-password")
                    .satisfies(c -> assertThat(c.getMessage()).doesNotContain("\n")));
            long wrongPasswordMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(wrongPasswordMillis).as("ms until a wrong password stops the start").isLessThan(30_000);

            // when a principal without ACLs runs the app, then it is told which topics it may not use
            TestApp noAcls = new TestApp(bootstrap, appSecurity(certs, NOBODY, "nobody-secret"));
            assertThatThrownBy(noAcls::start).satisfies(e -> assertThat(rootCause(e))
                    .isInstanceOf(KafkaAccessCheck.KafkaAccessException.class)
                    .hasMessageContaining("denies user '" + NOBODY + "' (SASL_SSL, SCRAM-SHA-512) access to topic(s)")
                    .hasMessageContaining(noAcls.topic("user-events")));

            // when the app runs with its own principal (it creates its topics), events go in and lists come out
            app.start();
            try (OutputWatch out = new OutputWatch(bootstrap, app.topic("recommendations"), asAdmin)) {
                List<UserEvent> events = SwapWorkload.events(300, 5L);
                try (EventFeed feed = new EventFeed(bootstrap, userEvents, events, 1000, asAdmin)) {
                    out.awaitLists(events.stream().map(UserEvent::getEventId).toList(), Duration.ofSeconds(90), "every list");
                    assertThat(feed.failures()).isEmpty();
                }

                // and the trainer reads the events and announces a model with its own principal
                Topics topics = Topics.named(Map.of("user-events", userEvents, "model-updates", modelUpdates));
                EventLog read = new KafkaEventReader(bootstrap, certs.clientSettings(TRAINER, "trainer-secret"),
                        topics.userEvents()).read(KafkaEventReader.Window.ALL);
                assertThat(read.eventCount()).as("events the trainer read").isEqualTo((long) events.size());
                try (ModelPublisher publisher = new ModelPublisher(bootstrap, certs.clientSettings(TRAINER, "trainer-secret"),
                        topics.modelUpdates())) {
                    publisher.publish(TrainedModels.announcement(TrainedModels.export(work.resolve("models"), "v1", 1L)));
                }
                TestApp.await("the app serving the trainer's model", Duration.ofSeconds(60), () -> app.context()
                        .getBean(dev.streamrec.app.model.ModelManager.class).current()
                        .map(m -> m.version().equals("v1")).orElse(false));

                // and a principal without ACLs on user-events gets a clear error from the trainer's reader
                assertThatThrownBy(() -> new KafkaEventReader(bootstrap, certs.clientSettings(NOBODY, "nobody-secret"),
                        topics.userEvents()).read(KafkaEventReader.Window.ALL))
                        .satisfies(e -> assertThat(rootCause(e).getMessage()).contains("Not authorized to access topics: [" + userEvents + "]"));

                // and the replay tool runs with a --command-config file; without ACLs it prints one line and exits 1
                Path opsConfig = propertiesFile(work.resolve("ops.properties"), certs.clientSettings(OPS, "ops-secret"));
                Cli ok = Cli.run("replay", "-b", bootstrap, "--command-config", opsConfig.toString(), "-s", userEvents,
                        "-t", scratch, "--no-progress");
                assertThat(ok.code).as("replay as %s: %s", OPS, ok.err).isZero();
                Path nobodyConfig = propertiesFile(work.resolve("nobody.properties"), certs.clientSettings(NOBODY, "nobody-secret"));
                Cli denied = Cli.run("replay", "-b", bootstrap, "--command-config", nobodyConfig.toString(), "-s", userEvents,
                        "-t", scratch, "--no-progress");
                assertThat(denied.code).as("replay without ACLs").isEqualTo(1);
                assertThat(denied.err.strip()).as("one line").doesNotContain("\n").startsWith("error:")
                        .contains("not authorized to access topic(s)").contains(userEvents);
                Path wrongConfig = propertiesFile(work.resolve("wrong.properties"), certs.clientSettings(OPS, "wrong"));
                Cli refused = Cli.run("replay", "-b", bootstrap, "--command-config", wrongConfig.toString(), "-s", userEvents,
                        "-t", scratch, "--no-progress");
                assertThat(refused.code).as("replay with a wrong password").isEqualTo(1);
                assertThat(refused.err.strip()).as("one line").doesNotContain("\n").contains("invalid credentials");
                System.out.printf("kafka-security: wrong password refused after %d ms; replay as %s: %s; denied: %s; wrong password: %s%n",
                        wrongPasswordMillis, OPS, ok.out.strip(), denied.err.strip(), refused.err.strip());
            } finally {
                app.stop();
            }
        }
    }

    /** The app's settings for one principal: every key under {@code kafka.}, so every client of the app gets it. */
    static Map<String, Object> appSecurity(TestCertificates certs, String user, String password) {
        Map<String, Object> out = new HashMap<>();
        certs.clientSettings(user, password).forEach((k, v) -> out.put("kafka." + k, v));
        out.put("streamrec.scoring.warmup-runs", 1);
        return out;
    }

    private static Map<String, Object> clientConfig(String bootstrap, Map<String, String> settings) {
        Map<String, Object> out = new HashMap<>(settings);
        out.put("bootstrap.servers", bootstrap);
        return out;
    }

    private static Admin admin(String bootstrap, Map<String, String> settings) {
        return Admin.create(clientConfig(bootstrap, settings));
    }

    private static UserScramCredentialUpsertion scram(String user, String password) {
        return new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password);
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }

    private static Path propertiesFile(Path file, Map<String, String> settings) throws Exception {
        Properties p = new Properties();
        p.putAll(settings);
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, null);
        }
        return file;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    /** One run of the streams-app command line, in this JVM. */
    record Cli(int code, String out, String err) {
        static Cli run(String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            var cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            int code = cli.execute(args);
            return new Cli(code, out.toString(), err.toString());
        }
    }
}
