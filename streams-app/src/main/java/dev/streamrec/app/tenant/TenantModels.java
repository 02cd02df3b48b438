package dev.streamrec.app.tenant;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.streamrec.app.model.ModelManager;
import dev.streamrec.app.model.ModelUpdatesFollower;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model managers of the configured tenants (one per tenant with {@code streamrec.tenants.<tenant>.model},
 * each following its model name on model-updates with its own follower and state file), closed with the
 * context: followers first, then managers.
 */
public final class TenantModels implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TenantModels.class);

    private final Map<String, ModelManager> managers;
    private final List<ModelUpdatesFollower> followers;

    TenantModels(Map<String, ModelManager> managers, List<ModelUpdatesFollower> followers) {
        this.managers = Map.copyOf(managers);
        this.followers = new ArrayList<>(followers);
    }

    /** Tenant → its model manager. */
    public Map<String, ModelManager> managers() {
        return managers;
    }

    @Override
    public void close() {
        for (AutoCloseable c : followers) {
            closeQuietly(c);
        }
        for (AutoCloseable c : managers.values()) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c.getClass().getSimpleName(), e.toString());
        }
    }
}
