package dev.streamrec.app.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.streamrec.app.Application;
import dev.streamrec.console.StopSignals;
import io.micronaut.context.ApplicationContext;
import picocli.CommandLine.Command;

/** {@code serve}: runs the streams app against a configured Kafka cluster until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the streams app against a Kafka cluster (production mode).",
                "Configuration comes from application.yml, a file named by MICRONAUT_CONFIG_FILES, and environment variables",
                "(e.g. KAFKA_BOOTSTRAP_SERVERS, STREAMREC_SCORING_DEVICE); see the README's configuration section."})
public final class ServeCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        ApplicationContext ctx = Application.start(Map.of());
        // SIGINT/SIGTERM close the context before the JVM's shutdown starts (see StopSignals: ONNX Runtime's
        // own hook would otherwise release its environment under a running session and abort the process)
        StopSignals.route(stopped::countDown);
        stopped.await();
        ctx.close();
        return 0;
    }
}
