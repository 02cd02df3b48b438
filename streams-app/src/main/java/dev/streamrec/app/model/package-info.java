/**
 * Model hot-swap. Every instance follows the model-updates topic
 * ({@link dev.streamrec.app.model.ModelUpdatesFollower}); the
 * {@link dev.streamrec.app.model.ModelManager} fetches each newer artifact
 * ({@link dev.streamrec.app.model.ArtifactFetcher}: path, file: or http(s): URL, under the rules of
 * an {@link dev.streamrec.app.model.ArtifactPolicy}), checks it
 * ({@link dev.streamrec.app.model.ModelLoader}: signature, sha256, contract, graph signature, golden
 * input, warm-up) on its own loader thread, swaps an atomic reference, and closes the old session
 * when its last in-flight call has returned ({@link dev.streamrec.app.model.LoadedModel} counts
 * leases). Refused artifacts are counted by reason, recorded, and not fetched again; the current
 * model keeps serving. A serving model with non-finite scores is withdrawn. Admins pin, roll back
 * and retry through {@code dev.streamrec.app.http.ModelAdminController}; pins, withdrawals and
 * refusals survive restarts ({@link dev.streamrec.app.model.ModelStateFile}).
 *
 * <p>Announcements are untrusted input: names and versions must match
 * {@link dev.streamrec.app.model.ArtifactPolicy#NAME}, local artifacts must resolve inside
 * {@code streamrec.models.artifact-roots}, downloads need an allowed scheme and host, stay inside
 * the cache directory, under a size cap and a whole-download deadline, and, with a public key
 * configured, a valid manifest signature.
 *
 * <p>Configuration ({@code streamrec.models.*}, each key commented in {@code application.yml}):
 * {@code follow}, {@code name}, {@code artifact-roots}, {@code allowed-schemes},
 * {@code allowed-hosts}, {@code artifact-cache-dir}, {@code max-artifact-bytes},
 * {@code download-timeout}, {@code signing-public-key}, {@code state-file},
 * {@code nonfinite-threshold}, {@code admin-timeout}; and {@code streamrec.admin.token} /
 * {@code streamrec.admin.port} for the admin API.
 */
package dev.streamrec.app.model;
