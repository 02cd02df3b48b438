package dev.streamrec.app;

/** Placeholder entry point. */
public final class Main {
    public static void main(String[] args) {
        System.exit(2);
    }
}
