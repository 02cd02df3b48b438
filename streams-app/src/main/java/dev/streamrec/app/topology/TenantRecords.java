package dev.streamrec.app.topology;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.topics.TenantKeys;

/**
 * The output edge of tenant scoping: inside the topology a tenant's user, item and event ids are
 * scoped ({@link TenantKeys#scope}, done by {@link EventValidator}); records on the recommendations
 * topic and HTTP answers carry the tenant's plain ids plus {@code tenantId}. The default tenant's ids
 * are plain already, so its records pass through unchanged.
 */
public final class TenantRecords {

    private TenantRecords() {
    }

    /** {@code r} with plain ids and its tenant; {@code r} itself for the default tenant (and for null). */
    public static Recommendations unscope(Recommendations r) {
        if (r == null || TenantKeys.scopable(r.getUserId())) {
            return r;
        }
        List<RecommendedItem> items = new ArrayList<>(r.getItems().size());
        for (RecommendedItem i : r.getItems()) {
            items.add(new RecommendedItem(TenantKeys.idOf(i.getItemId()), i.getScore(), unscopeReason(i.getReason())));
        }
        return Recommendations.newBuilder(r).setUserId(TenantKeys.idOf(r.getUserId()))
                .setTriggerEventId(TenantKeys.idOf(r.getTriggerEventId())).setItems(items)
                .setTenantId(TenantKeys.tenantOf(r.getUserId())).build();
    }

    /** A reason naming a scoped item ({@code co-visited:<tenant>|<item>}) names the plain item. */
    static String unscopeReason(String reason) {
        int at = reason.indexOf(TenantKeys.SEPARATOR);
        if (at < 0) {
            return reason;
        }
        int colon = reason.lastIndexOf(':', at);
        return colon < 0 ? reason : reason.substring(0, colon + 1) + reason.substring(at + 1);
    }
}
