package dev.streamrec.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;

import dev.streamrec.model.ManifestSignature;
import dev.streamrec.trainer.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** With a signing key, every artifact the pipeline writes carries a signature of its final manifest. */
@Timeout(120)
class TrainingPipelineSigningTest {

    @TempDir
    Path root;

    @Test
    void shouldSignTheManifestOfEveryArtifactWhenASigningKeyIsSet() throws Exception {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        TrainingPipeline.Settings settings = TrainingPipeline.Settings.defaults(root, "seqrec")
                .withTraining(Fixtures.quick().withMaxEpochs(1)).withSigningKey(keys.getPrivate());

        TrainingPipeline.Outcome outcome = new TrainingPipeline(settings, null, Clock.systemUTC())
                .run(Fixtures.log(200, 80, 3_000, 5L));

        assertThat(outcome.artifact().resolve(ManifestSignature.SIGNATURE_FILE)).exists();
        assertThat(ManifestSignature.problem(outcome.artifact(), keys.getPublic())).isNull();
        assertThat(ManifestSignature.problem(outcome.artifact(),
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic())).contains("does not match");
    }
}
