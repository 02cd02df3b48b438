/**
 * Model hot-swap. Every instance follows the model-updates topic
 * ({@link dev.streamrec.app.model.ModelUpdatesFollower}); the
 * {@link dev.streamrec.app.model.ModelManager} fetches each newer artifact
 * ({@link dev.streamrec.app.model.ArtifactFetcher}: path, file: or http(s): URL), checks it
 * ({@link dev.streamrec.app.model.ModelLoader}: sha256, contract, graph signature, golden input,
 * warm-up) on its own loader thread, swaps an atomic reference, and closes the old session when
 * its last in-flight call has returned ({@link dev.streamrec.app.model.LoadedModel} counts
 * leases). Refused artifacts are counted by reason and the current model keeps serving. Admins
 * pin and roll back through {@code dev.streamrec.app.http.ModelAdminController}.
 *
 * <p>Configuration ({@code streamrec.models.*}): {@code follow} (true), {@code name} (empty: any),
 * {@code artifact-cache-dir} ({@code ${java.io.tmpdir}/streamrec-models}), {@code download-timeout}
 * (60s), {@code admin-timeout} (5m); and {@code streamrec.admin.token} for the admin API.
 */
package dev.streamrec.app.model;
