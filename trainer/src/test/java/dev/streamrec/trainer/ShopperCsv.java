package dev.streamrec.trainer;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.streamrec.avro.UserEvent;

/**
 * Manual helper (not a test): writes simulated shoppers as {@code userId,itemId,type,timestamp} CSV for
 * {@code trainer evaluate --dataset FILE}: {@code ShopperSimulator} defaults (2,000 users, 1,000 items,
 * seed 42), events 20 s apart from {@link Fixtures#START}. Arguments: file [count, default 100000].
 */
public final class ShopperCsv {

    public static void main(String[] args) throws IOException {
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[0])))) {
            for (UserEvent e : Fixtures.events(2_000, 1_000, count, 42L)) {
                out.println(e.getUserId() + "," + e.getItemId() + "," + e.getType() + "," + e.getTimestamp());
            }
        }
    }
}
