package dev.streamrec.kafka;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.streamrec.console.CommandError;

/**
 * Checks before a command starts that at least one bootstrap address accepts a TCP connection.
 * Kafka's clients retry an unreachable address for a minute or more, logging a warning per attempt,
 * and then fail far from the cause; a plain connect names the address and the reason at once.
 */
public final class BrokerProbe {

    /** Per address; a reachable broker answers a connect in milliseconds. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private BrokerProbe() {
    }

    /**
     * @param bootstrapServers comma-separated {@code host:port} list
     * @param source           where the value came from, for the message (e.g. "--bootstrap-servers")
     * @throws CommandError naming every address and why it failed, when none accepts a connection
     */
    public static void requireReachable(String bootstrapServers, String source) {
        List<String> problems = new ArrayList<>();
        for (String address : bootstrapServers.split(",")) {
            String a = address.trim();
            if (a.isEmpty()) {
                continue;
            }
            String problem = connect(a);
            if (problem == null) {
                return;
            }
            problems.add(a + " (" + problem + ")");
        }
        if (problems.isEmpty()) {
            throw new CommandError("no Kafka bootstrap address given (" + source + ")");
        }
        throw new CommandError("cannot reach Kafka at " + String.join(", ", problems) + "; set by " + source);
    }

    /** Null when the address accepts a TCP connection, else the reason in a few words. */
    static String connect(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1) {
            return "not host:port";
        }
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "not host:port";
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), (int) CONNECT_TIMEOUT.toMillis());
            return null;
        } catch (UnknownHostException e) {
            return "unknown host";
        } catch (SocketTimeoutException e) {
            return "no answer within " + CONNECT_TIMEOUT.toSeconds() + " s";
        } catch (ConnectException e) {
            return "connection refused";
        } catch (IOException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
