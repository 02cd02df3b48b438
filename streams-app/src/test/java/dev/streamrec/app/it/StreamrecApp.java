package dev.streamrec.app.it;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One streams-app deployment per test on the shared broker ({@link StreamrecAppExtension}): the test
 * method takes a {@link TestApp} parameter, started (Kafka Streams RUNNING) unless {@link #start()} is
 * false, and stopped after the test whatever its outcome. On a class, it applies to every test; on a
 * method, its properties add to (and override) the class's.
 *
 * <pre>{@code
 * @StreamrecApp(properties = "streamrec.history.max-events=10000")
 * class MyIntegrationTest {
 *     @Test
 *     void shouldDoSomething(TestApp app) { ... app.producer() ... app.consumer(app.topic("recommendations")) ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StreamrecAppExtension.class)
@Tag("integration")
@interface StreamrecApp {

    /** {@code key=value} settings of the app, on top of {@link TestApp}'s (unique ids and topic names). */
    String[] properties() default {};

    /** False: the test starts the app itself, e.g. after creating topics or publishing what must be there first. */
    boolean start() default true;
}
