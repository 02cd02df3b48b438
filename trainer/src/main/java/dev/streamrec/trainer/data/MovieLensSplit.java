package dev.streamrec.trainer.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The published leave-last-out split of a MovieLens directory ({@code leave-last-out/train.rating},
 * {@code test.rating}, {@code test.negative}, as in He et al. 2017): train on train.rating in
 * timestamp order, rank each user's test item among its 100 listed negatives.
 */
public final class MovieLensSplit {

    private MovieLensSplit() {
    }

    public static Split load(Path datasetDir) {
        Path dir = datasetDir.resolve("leave-last-out");
        Path trainFile = dir.resolve("train.rating");
        Path testFile = dir.resolve("test.rating");
        Path negativeFile = dir.resolve("test.negative");
        for (Path p : List.of(trainFile, testFile, negativeFile)) {
            if (!Files.isRegularFile(p)) {
                throw new IllegalArgumentException("not a MovieLens leave-last-out dataset: missing " + p);
            }
        }
        EventLog train = CsvEventSource.read(trainFile);
        try {
            Map<String, List<String>> negatives = new HashMap<>();
            for (String line : Files.readAllLines(negativeFile)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                String user = f[0].substring(1, f[0].indexOf(','));
                negatives.put(user, List.of(f).subList(1, f.length));
            }
            List<EvalCase> cases = new ArrayList<>();
            for (String line : Files.readAllLines(testFile)) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                String user = f[0];
                long ts = Long.parseLong(f[3].trim()) * 1000L;
                cases.add(new EvalCase(user, train.users().getOrDefault(user, List.of()), f[1], ts,
                        negatives.getOrDefault(user, List.of())));
            }
            return new Split(train, cases);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to read " + dir, e);
        }
    }
}
