package dev.streamrec.app.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.streamrec.app.experiment.ExperimentPublisher;
import dev.streamrec.app.config.StreamrecProperties;
import dev.streamrec.app.experiment.ExperimentPlan;
import dev.streamrec.app.experiment.ExperimentRules;
import dev.streamrec.app.model.ModelSettings;
import dev.streamrec.avro.Experiment;
import dev.streamrec.topics.TenantKeys;
import dev.streamrec.avro.ExperimentVariant;
import dev.streamrec.avro.VariantRanker;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;

/**
 * Experiment admin API, on the admin port like the model admin API and with the same token:
 * <ul>
 *   <li>{@code GET /experiments}: the experiments live on this instance (valid definitions as read
 *       from the experiments topic);</li>
 *   <li>{@code GET /experiments/{name}}: one of them (404 when not live);</li>
 *   <li>{@code PUT /experiments/{name}}: writes a definition to the experiments topic (400 listing
 *       every problem when invalid); every instance applies it within a poll;</li>
 *   <li>{@code DELETE /experiments/{name}}: writes a tombstone: the experiment ends everywhere.</li>
 * </ul>
 * Body of PUT and answers: {@code {"name", "salt", "active", "variants": [{"name", "share",
 * "ranker": "heuristic"|"model", "model", "modelVersion", "scoringMode", "k"}]}}; the first variant
 * is the control; {@code salt} defaults to the name.
 */
@Controller(value = "/experiments", port = "${streamrec.admin.port:}")
@ExecuteOn(TaskExecutors.BLOCKING) // writes wait for the broker's acknowledgement
class ExperimentAdminController {

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record VariantView(String name, int share, String ranker, String model, String modelVersion, String scoringMode,
                       Integer k) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ExperimentView(String name, String salt, Boolean active, List<VariantView> variants,
                          @Nullable String tenantId) {
    }

    private final ExperimentPublisher publisher;
    private final ExperimentPlan ranker;
    private final String followedModel;
    /** Tenant → its model name ({@code streamrec.tenants.<tenant>.model}). */
    private final Map<String, String> tenantModels;
    private final byte[] token;

    ExperimentAdminController(ExperimentPublisher publisher, ExperimentPlan ranker, ModelSettings models,
                              List<StreamrecProperties.Tenant> tenants, @Value("${streamrec.admin.token:}") String token) {
        this.publisher = publisher;
        Map<String, String> byTenant = new HashMap<>();
        tenants.forEach(t -> byTenant.put(t.tenant(), t.model() == null ? "" : t.model()));
        this.tenantModels = Map.copyOf(byTenant);
        this.ranker = ranker;
        this.followedModel = models.name();
        this.token = token == null ? new byte[0] : token.trim().getBytes(StandardCharsets.UTF_8);
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> list() {
        return HttpResponse.ok(ranker.live().stream().map(ExperimentAdminController::view).toList());
    }

    @Get(uri = "/{name}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> get(@PathVariable String name) {
        return ranker.live().stream().filter(e -> e.getName().equals(name)).findFirst()
                .<HttpResponse<?>>map(e -> HttpResponse.ok(view(e)))
                .orElseGet(() -> ErrorBody.response(HttpStatus.NOT_FOUND, "not_found", "no live experiment '" + name
                        + "'; live: " + ranker.live().stream().map(Experiment::getName).toList()));
    }

    @Put(uri = "/{name}", consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> put(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String name,
                        @Body ExperimentView body) {
        HttpResponse<?> denied = authorize(authorization);
        if (denied != null) {
            return denied;
        }
        List<String> problems = new ArrayList<>();
        if (body.name() != null && !body.name().equals(name)) {
            problems.add("the body names '" + body.name() + "', the path '" + name + "'");
        }
        Experiment e;
        try {
            e = toExperiment(name, body);
        } catch (IllegalArgumentException ex) {
            return ErrorBody.response(HttpStatus.BAD_REQUEST, "invalid_experiment", ex.getMessage());
        }
        // A tenant's experiment ranks with the tenant's model (streamrec.tenants.<tenant>.model).
        problems.addAll(ExperimentRules.problems(e, TenantKeys.isDefault(e.getTenantId()) ? followedModel
                : tenantModels.getOrDefault(e.getTenantId(), "")));
        if (!problems.isEmpty()) {
            return ErrorBody.response(HttpStatus.BAD_REQUEST, "invalid_experiment", String.join("; ", problems));
        }
        publisher.put(e);
        return HttpResponse.ok(view(e));
    }

    @Delete(uri = "/{name}", produces = MediaType.APPLICATION_JSON)
    HttpResponse<?> delete(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @PathVariable String name) {
        HttpResponse<?> denied = authorize(authorization);
        if (denied != null) {
            return denied;
        }
        publisher.delete(name);
        return HttpResponse.noContent();
    }

    private static Experiment toExperiment(String name, ExperimentView body) {
        List<ExperimentVariant> variants = new ArrayList<>();
        for (VariantView v : body.variants() == null ? List.<VariantView>of() : body.variants()) {
            VariantRanker kind = switch (v.ranker() == null ? "" : v.ranker().toLowerCase(java.util.Locale.ROOT)) {
                case "heuristic" -> VariantRanker.HEURISTIC;
                case "model" -> VariantRanker.MODEL;
                default -> throw new IllegalArgumentException("variant " + v.name() + ": ranker must be 'heuristic' or "
                        + "'model'; got '" + v.ranker() + "'");
            };
            variants.add(ExperimentVariant.newBuilder().setName(v.name()).setShare(v.share()).setRanker(kind)
                    .setModel(v.model()).setModelVersion(v.modelVersion()).setScoringMode(v.scoringMode())
                    .setK(v.k()).build());
        }
        return Experiment.newBuilder().setName(name)
                .setSalt(body.salt() == null || body.salt().isBlank() ? name : body.salt())
                .setActive(body.active() == null || body.active())
                .setUpdatedAt(System.currentTimeMillis())
                .setVariants(variants).setTenantId(TenantKeys.normalize(body.tenantId())).build();
    }

    private static ExperimentView view(Experiment e) {
        return new ExperimentView(e.getName(), e.getSalt(), e.getActive(), e.getVariants().stream()
                .map(v -> new VariantView(v.getName(), v.getShare(), v.getRanker().name().toLowerCase(java.util.Locale.ROOT),
                        v.getModel(), v.getModelVersion(), v.getScoringMode(), v.getK())).toList(), e.getTenantId());
    }

    /** Null when {@code authorization} carries the admin token, else the 401/403 answer (as the model admin API). */
    private HttpResponse<?> authorize(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                || authorization.substring(7).isBlank()) {
            return ErrorBody.response(HttpStatus.UNAUTHORIZED, "unauthorized",
                    "send Authorization: Bearer <streamrec.admin.token>")
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"streamrec-admin\"");
        }
        if (token.length == 0) {
            return ErrorBody.response(HttpStatus.FORBIDDEN, "forbidden", "the admin API is off: streamrec.admin.token is not set");
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) {
            return ErrorBody.response(HttpStatus.FORBIDDEN, "forbidden", "wrong admin token");
        }
        return null;
    }
}
