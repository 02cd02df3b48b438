package dev.streamrec.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import org.apache.avro.SystemLimitException;
import org.junit.jupiter.api.Test;

/** Length bombs, forged counts and random damage: every one is the typed error, none costs memory. */
class AvroLimitsTest {

    private static final UserEvent EVENT = UserEvent.newBuilder().setEventId("e-1").setUserId("u-1").setSessionId(null)
            .setItemId("i-9").setType(EventType.CLICK).setTimestamp(1_700_000_000_000L)
            .setContext(Map.of("page", "home", "device", "mobile")).build();

    @Test
    void shouldSetAvroReadLimitsBeforeTheFirstDecode() {
        Serdes.USER_EVENT.fromBytes(Serdes.USER_EVENT.toBytes(EVENT));
        assertThat(System.getProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY)).isEqualTo(
                String.valueOf(AvroLimits.DEFAULT_MAX_LENGTH));
        assertThat(System.getProperty(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY)).isEqualTo(
                String.valueOf(AvroLimits.DEFAULT_MAX_COLLECTION_ITEMS));
        // Avro itself enforces them: a 2 MiB string is refused with Avro's own limit error.
        assertThatThrownBy(() -> SystemLimitException.checkMaxStringLength(2L << 20)).isInstanceOf(SystemLimitException.class);
    }

    @Test
    void shouldRefuseA15ByteRecordClaimingA2GbStringWithoutAllocatingIt() {
        // given the single-object header and an eventId whose length prefix says 2^31 - 9 bytes
        byte[] bomb = concat(header(), zigzag(Integer.MAX_VALUE - 8));
        assertThat(bomb.length).isLessThanOrEqualTo(15);
        long before = usedHeap();

        // when / then
        RecordDecodingException e = catchDecode(bomb);
        assertThat(e.reason()).isEqualTo(RecordDecodingException.Reason.LIMIT_EXCEEDED);
        assertThat(usedHeap() - before).as("no 2 GB buffer").isLessThan(256L << 20);
    }

    @Test
    void shouldRefuseACollectionCountBeyondWhatJavaCanHoldWithTheTypedError() {
        // given a valid prefix up to the context map, whose block count is 2^31 (over Java's array limit)
        byte[] prefix = bodyBeforeContext();
        RecordDecodingException huge = catchDecode(concat(header(), prefix, zigzag(1L << 31)));
        assertThat(huge.reason()).isEqualTo(RecordDecodingException.Reason.LIMIT_EXCEEDED);
        assertThat(huge.getCause()).isInstanceOf(UnsupportedOperationException.class);

        // and one over the configured item limit but under Java's
        RecordDecodingException over = catchDecode(concat(header(), prefix, zigzag(AvroLimits.DEFAULT_MAX_COLLECTION_ITEMS + 1L)));
        assertThat(over.reason()).isEqualTo(RecordDecodingException.Reason.LIMIT_EXCEEDED);
        assertThat(over.getCause()).isInstanceOf(SystemLimitException.class);
    }

    @Test
    void shouldRefuseAValueOverTheRecordSizeLimitBeforeDecodingIt() {
        byte[] valid = Serdes.USER_EVENT.toBytes(EVENT);
        assertThat(Serdes.USER_EVENT.deserializer(valid.length).deserialize("t", valid)).isEqualTo(EVENT);
        assertThatThrownBy(() -> Serdes.USER_EVENT.deserializer(valid.length - 1).deserialize("t", valid))
                .isInstanceOfSatisfying(RecordDecodingException.class,
                        e -> assertThat(e.reason()).isEqualTo(RecordDecodingException.Reason.RECORD_TOO_LARGE));
    }

    @Test
    void shouldMapEveryRandomDamageToTheTypedErrorOrAValidRecord() {
        SplittableRandom random = new SplittableRandom(8);
        byte[] valid = Serdes.USER_EVENT.toBytes(EVENT);
        int decoded = 0;
        int refused = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] damaged = valid.clone();
            switch (i % 4) {
                case 0 -> damaged[10 + random.nextInt(damaged.length - 10)] ^= (byte) (1 << random.nextInt(8));
                case 1 -> damaged = Arrays.copyOf(damaged, 10 + random.nextInt(damaged.length - 10));
                case 2 -> {
                    for (int j = 10; j < damaged.length; j++) {
                        damaged[j] = (byte) random.nextInt(256);
                    }
                }
                default -> damaged = concat(header(), randomBytes(random, random.nextInt(64)));
            }
            try {
                Serdes.USER_EVENT.fromBytes(damaged);
                decoded++;
            } catch (RecordDecodingException e) {
                assertThat(e.reason()).isNotNull();
                refused++;
            }
        }
        assertThat(refused).as("most damage is refused").isGreaterThan(25_000);
        assertThat(decoded + refused).isEqualTo(50_000);
    }

    private static RecordDecodingException catchDecode(byte[] bytes) {
        Throwable t = catchThrowable(() -> Serdes.USER_EVENT.fromBytes(bytes));
        assertThat(t).isInstanceOf(RecordDecodingException.class);
        return (RecordDecodingException) t;
    }

    /** Marker and fingerprint of the current UserEvent schema. */
    private static byte[] header() {
        return Arrays.copyOf(Serdes.USER_EVENT.toBytes(EVENT), 10);
    }

    /** eventId, userId, sessionId (null), itemId, type, timestamp: everything before the context map. */
    private static byte[] bodyBeforeContext() {
        return concat(string("e-1"), string("u-1"), zigzag(0), string("i-9"), zigzag(EventType.CLICK.ordinal()),
                zigzag(1_700_000_000_000L));
    }

    private static byte[] string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return concat(zigzag(b.length), b);
    }

    /** Avro's zig-zag varint of a long. */
    static byte[] zigzag(long v) {
        long n = (v << 1) ^ (v >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
