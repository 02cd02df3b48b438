/**
 * Several shops (tenants) on one deployment: {@link dev.streamrec.app.tenant.TenantRanker} ranks each
 * tenant's users with that tenant's model and experiments, and {@link dev.streamrec.app.tenant.TenantFactory}
 * wires a model follower per configured tenant ({@code streamrec.tenants.<tenant>.model}). Keys are scoped
 * by {@link dev.streamrec.topics.TenantKeys} (in the topology's validator), the stream rules per tenant by
 * {@link dev.streamrec.app.filter.TenantRules}, metric labels capped by
 * {@link dev.streamrec.app.metrics.TenantLabels}.
 */
package dev.streamrec.app.tenant;
