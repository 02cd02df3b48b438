package dev.streamrec.app.it;

import java.lang.reflect.AnnotatedElement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.streamrec.kafka.testing.KafkaTestCluster;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The broker + app fixture of the integration tests: before each test, a {@link TestApp} on the
 * {@link SharedKafka shared broker} (unique application id and topic names) with the properties of
 * {@link StreamrecApp} (class, then method) or of {@link #builder()}, started unless told not to;
 * after it, the app stopped. Test methods take {@link TestApp} (context, bootstrap servers, topic
 * names, producer, consumer, waits), {@link ApplicationContext} (the started app's) or
 * {@link KafkaTestCluster} parameters.
 *
 * <p>Declarative, {@code @StreamrecApp(properties = "k=v")}; programmatic (computed values),
 * {@code @RegisterExtension final StreamrecAppExtension fixture = StreamrecAppExtension.builder().property(k, v).build();}.
 */
final class StreamrecAppExtension implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StreamrecAppExtension.class);

    private final Map<String, Object> base;
    private final Boolean start;

    /** As {@code @StreamrecApp} registers it: everything from the annotations. */
    StreamrecAppExtension() {
        this(Map.of(), null);
    }

    private StreamrecAppExtension(Map<String, Object> base, Boolean start) {
        this.base = Map.copyOf(base);
        this.start = start;
    }

    static Builder builder() {
        return new Builder();
    }

    /** Properties and start policy for a programmatically registered fixture. */
    static final class Builder {
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private boolean start = true;

        Builder property(String key, Object value) {
            properties.put(key, value);
            return this;
        }

        Builder properties(Map<String, ?> values) {
            properties.putAll(values);
            return this;
        }

        /** The test starts the app itself. */
        Builder notStarted() {
            start = false;
            return this;
        }

        StreamrecAppExtension build() {
            return new StreamrecAppExtension(properties, start);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Map<String, Object> properties = new LinkedHashMap<>(base);
        Optional<StreamrecApp> onClass = annotation(context.getRequiredTestClass());
        Optional<StreamrecApp> onMethod = annotation(context.getRequiredTestMethod());
        onClass.ifPresent(a -> parse(a, properties));
        onMethod.ifPresent(a -> parse(a, properties));
        boolean started = onMethod.or(() -> onClass).map(StreamrecApp::start).orElse(start == null || start);
        TestApp app = new TestApp(SharedKafka.cluster().bootstrapServers(), properties);
        context.getStore(NS).put(TestApp.class, app);
        if (started) {
            app.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        TestApp app = context.getStore(NS).remove(TestApp.class, TestApp.class);
        if (app != null) {
            app.stop();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestApp.class || type == ApplicationContext.class || type == KafkaTestCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == KafkaTestCluster.class) {
            return SharedKafka.cluster();
        }
        TestApp app = context.getStore(NS).get(TestApp.class, TestApp.class);
        if (type == TestApp.class) {
            return app;
        }
        if (app.context() == null) {
            throw new IllegalStateException("the app is not started (start = false): take TestApp and call start()");
        }
        return app.context();
    }

    private static Optional<StreamrecApp> annotation(AnnotatedElement element) {
        return AnnotationSupport.findAnnotation(element, StreamrecApp.class);
    }

    private static void parse(StreamrecApp a, Map<String, Object> into) {
        for (String p : a.properties()) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("@StreamrecApp property is not key=value: " + p);
            }
            into.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
        }
    }
}
