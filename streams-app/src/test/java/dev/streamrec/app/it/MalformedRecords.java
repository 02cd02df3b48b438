package dev.streamrec.app.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.streamrec.app.topology.RejectReason;
import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.serde.AvroLimits;
import dev.streamrec.serde.RecordDecodingException;
import dev.streamrec.serde.Serdes;

/**
 * Malformed {@code user-events} values of every kind an unlucky or hostile producer sends, each with
 * the dead-letter reason and detail the app must give it. Whether a damaged record really is
 * undecodable is checked here with the same decoder (a bit flip in a timestamp still decodes, so it
 * is drawn again), so every record this returns is one the app must reject.
 */
final class MalformedRecords {

    /** One malformed value, the key it is sent with, and the expected DLQ reason and detail. */
    record Malformed(String kind, byte[] key, byte[] value, RejectReason reason, String detail) {
    }

    /** The app's default {@code streamrec.validation.limits.max-record-bytes}. */
    static final int MAX_RECORD_BYTES = 64 * 1024;

    private final SplittableRandom random;
    private final UserEvent template;
    private final byte[] valid;
    private int sequence;

    MalformedRecords(long seed) {
        random = new SplittableRandom(seed);
        template = UserEvent.newBuilder().setEventId("e-template").setUserId("u-1").setSessionId("s-1").setItemId("item-1")
                .setType(EventType.CLICK).setTimestamp(1_700_000_000_000L).setContext(Map.of("page", "home")).build();
        valid = Serdes.USER_EVENT.toBytes(template);
    }

    /** {@code nearOneMb} records of about 1 MB, and the rest spread over the other kinds. */
    List<Malformed> generate(int total, int nearOneMb) {
        List<Malformed> out = new ArrayList<>(total);
        int rest = total - nearOneMb;
        for (int i = 0; i < rest; i++) {
            out.add(switch (i % 6) {
                case 0 -> undecodable("random-bytes", () -> randomBytes(random.nextInt(300)));
                case 1 -> undecodable("truncated", () -> Arrays.copyOf(valid, random.nextInt(valid.length)));
                case 2 -> undecodable("wrong-fingerprint", this::wrongFingerprint);
                case 3 -> undecodable("bit-flip", this::bitFlip);
                case 4 -> undecodable("length-bomb", this::lengthBomb);
                default -> undecodable("flipped-count", this::flippedCount);
            });
        }
        for (int i = 0; i < nearOneMb; i++) {
            int size = 900_000 + random.nextInt(140_000);
            // half garbage, half a decodable event whose eventId alone is almost 1 MB
            byte[] value = i % 2 == 0 ? randomBytes(size) : Serdes.USER_EVENT.toBytes(
                    UserEvent.newBuilder(template).setEventId("e".repeat(size)).build());
            out.add(new Malformed("near-1mb", key(), value, RejectReason.RECORD_TOO_LARGE, "RECORD_TOO_LARGE"));
        }
        return out;
    }

    /** Whether the value decodes as a UserEvent (the trainer and replay count those as events). */
    static boolean decodes(byte[] value) {
        try {
            Serdes.USER_EVENT.fromBytes(value);
            return true;
        } catch (RecordDecodingException e) {
            return false;
        }
    }

    private Malformed undecodable(String kind, java.util.function.Supplier<byte[]> make) {
        for (int attempt = 0; ; attempt++) {
            byte[] value = make.get();
            try {
                Serdes.USER_EVENT.fromBytes(value);
            } catch (RecordDecodingException e) {
                return new Malformed(kind, key(), value, RejectReason.UNDECODABLE, e.reason().name());
            }
            if (attempt > 1_000) {
                throw new IllegalStateException("cannot make an undecodable " + kind + " record");
            }
        }
    }

    private byte[] wrongFingerprint() {
        byte[] v = valid.clone();
        v[2 + random.nextInt(8)] ^= (byte) (1 + random.nextInt(255));
        return v;
    }

    private byte[] bitFlip() {
        byte[] v = valid.clone();
        for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
            v[10 + random.nextInt(v.length - 10)] ^= (byte) (1 << random.nextInt(8));
        }
        return v;
    }

    /** A string length prefix claiming between the read limit and 2 GB, in a random string field. */
    private byte[] lengthBomb() {
        long claim = AvroLimits.DEFAULT_MAX_LENGTH + 1L + random.nextLong(Integer.MAX_VALUE - 8L - AvroLimits.DEFAULT_MAX_LENGTH);
        return switch (random.nextInt(3)) {
            case 0 -> concat(header(), zigzag(claim)); // eventId: the 15-byte record claiming 2 GB
            case 1 -> concat(header(), string("e-1"), string("u-1"), zigzag(0), zigzag(claim)); // itemId
            default -> concat(header(), bodyBeforeContext(), zigzag(1), zigzag(claim)); // a context key
        };
    }

    /** A map block count beyond the item limit, or beyond what a Java array can hold (over 2^31 - 8). */
    private byte[] flippedCount() {
        long count = random.nextBoolean()
                ? Integer.MAX_VALUE - 7L + random.nextLong(1L << 40)
                : AvroLimits.DEFAULT_MAX_COLLECTION_ITEMS + 1L + random.nextInt(1 << 30);
        return concat(header(), bodyBeforeContext(), zigzag(count), randomBytes(random.nextInt(20)));
    }

    private byte[] header() {
        return Arrays.copyOf(valid, 10);
    }

    private static byte[] bodyBeforeContext() {
        return concat(string("e-1"), string("u-1"), zigzag(0), string("i-9"), zigzag(EventType.CLICK.ordinal()),
                zigzag(1_700_000_000_000L));
    }

    private byte[] key() {
        return ("junk-" + (sequence++ % 97)).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(zigzag(b.length), b);
    }

    /** Avro's zig-zag varint. */
    private static byte[] zigzag(long v) {
        long n = (v << 1) ^ (v >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
