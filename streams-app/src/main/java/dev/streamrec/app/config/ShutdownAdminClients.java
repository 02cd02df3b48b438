package dev.streamrec.app.config;

import java.time.Duration;

import io.micronaut.context.BeanContext;
import io.micronaut.context.BeanRegistration;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.micronaut.runtime.event.ApplicationShutdownEvent;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.AdminClient;

/**
 * Closes micronaut-kafka's {@link AdminClient} at the shutdown event, after the other listeners of that event.
 * micronaut-kafka's consumer-group manager (for {@code @KafkaListener}'s unique groups, which this app has none of)
 * takes that client and is itself first created by the shutdown event, while the context is already closing its
 * singletons: depending on the order, the client was created after its own close, and outlived the context,
 * retrying a broker that had gone until the JVM exited ({@code ClientShutdownIntegrationTest}).
 */
@Singleton
@Order(Ordered.LOWEST_PRECEDENCE)
public class ShutdownAdminClients implements ApplicationEventListener<ApplicationShutdownEvent> {

    private final BeanContext context;

    public ShutdownAdminClients(BeanContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(ApplicationShutdownEvent event) {
        for (BeanRegistration<AdminClient> admin : context.getActiveBeanRegistrations(AdminClient.class)) {
            admin.bean().close(Duration.ofSeconds(1)); // idempotent: the context's own close later is a no-op
        }
    }
}
