package dev.streamrec.app.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import dev.streamrec.app.Application;

/**
 * The app in a JVM of its own, so a test can kill it (SIGKILL: no shutdown hook, no commit, no
 * close): {@code ChildApp <properties file>} starts {@link Application#start} with those
 * properties and runs until killed.
 */
public final class ChildApp {

    private ChildApp() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            p.load(in);
        }
        Map<String, Object> props = new HashMap<>();
        p.stringPropertyNames().forEach(k -> props.put(k, p.getProperty(k)));
        Application.start(props);
        System.out.println("CHILD-APP-STARTED");
        Thread.currentThread().join();
    }
}
