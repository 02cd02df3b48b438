package dev.streamrec.app.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.time.Clock;
import java.util.Properties;

import dev.streamrec.topics.Topics;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** A deletion request that no broker acknowledges fails with a clear error (the controller answers 503). */
class UserDeletionsTest {

    @Test
    void shouldFailClearlyWhenNoBrokerTakesTheRequest() throws Exception {
        // given a bootstrap address where nothing listens
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties streams = new Properties();
        streams.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        try (UserDeletions deletions = new UserDeletions(Topics.DEFAULT.userDeletions(), streams, Clock.systemUTC())) {
            // when a deletion is requested, then it fails within the producer's 10 s bound, naming the topic
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> deletions.request("user-1"))
                    .isInstanceOf(UserDeletions.DeletionNotPublishedException.class)
                    .hasMessageContaining("user-deletions");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until the request failed").isLessThan(20_000);
        }
    }
}
