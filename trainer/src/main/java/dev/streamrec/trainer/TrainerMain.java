package dev.streamrec.trainer;

/** Placeholder entry point until the trainer lands. */
public final class TrainerMain {
    public static void main(String[] args) {
        System.err.println("trainer: not built yet");
        System.exit(2);
    }
}
