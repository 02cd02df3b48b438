package dev.streamrec.app.topology;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.Recommendations;
import dev.streamrec.avro.RecommendedItem;
import dev.streamrec.serde.Serdes;
import dev.streamrec.topics.TenantKeys;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Value serde of the {@value StreamrecTopology#RECOMMENDATIONS_STORE} store: the same
 * {@link Recommendations} the topic carries, packed for the store's changelog, which gets one record
 * per event. Each distinct reason is written once ({@code co-visited:<seed>} repeats a few seeds over
 * ten items) and items refer to it by index; no Avro fingerprint. Two thirds of the Avro size for
 * the lists of {@code WriteVolumeTest} (283 bytes instead of 425 a record); scores keep their full double precision, so {@code GET /recommendations} answers
 * exactly what the topic carries.
 *
 * <p>Layout: {@code 0x02}, userId, generatedAt (unsigned varint), modelVersion, triggerEventId, the
 * reasons (varint count, strings), the items (varint count; per item: itemId, score as 8 bytes,
 * reason index as a varint), then the A/B experiment and variant. Strings are a varint byte length and
 * UTF-8. Values written before are still read: packed without experiment and variant (first byte
 * {@code 0x01}, read as not in an experiment) and the Avro single-object encoding (first byte {@code 0xC3}).
 */
final class LatestRecommendationsSerde implements Serde<Recommendations> {

    static final LatestRecommendationsSerde INSTANCE = new LatestRecommendationsSerde();

    private static final byte PACKED_V1 = 0x01;
    private static final byte PACKED = 0x02;
    private static final byte AVRO_SINGLE_OBJECT = (byte) 0xC3;

    @Override
    public Serializer<Recommendations> serializer() {
        return (topic, r) -> r == null ? null : pack(r);
    }

    @Override
    public Deserializer<Recommendations> deserializer() {
        return (topic, bytes) -> bytes == null ? null : unpack(bytes);
    }

    static byte[] pack(Recommendations r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 24 * r.getItems().size());
        out.write(PACKED);
        string(out, r.getUserId());
        varint(out, r.getGeneratedAt());
        string(out, r.getModelVersion());
        string(out, r.getTriggerEventId());
        Map<String, Integer> reasonIndex = new HashMap<>();
        List<String> reasons = new ArrayList<>();
        for (RecommendedItem item : r.getItems()) {
            if (reasonIndex.putIfAbsent(item.getReason(), reasons.size()) == null) {
                reasons.add(item.getReason());
            }
        }
        varint(out, reasons.size());
        reasons.forEach(s -> string(out, s));
        varint(out, r.getItems().size());
        byte[] score = new byte[8];
        for (RecommendedItem item : r.getItems()) {
            string(out, item.getItemId());
            ByteBuffer.wrap(score).putDouble(item.getScore());
            out.writeBytes(score);
            varint(out, reasonIndex.get(item.getReason()));
        }
        string(out, r.getExperiment());
        string(out, r.getVariant());
        return out.toByteArray();
    }

    static Recommendations unpack(byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == AVRO_SINGLE_OBJECT) {
            return Serdes.RECOMMENDATIONS.fromBytes(bytes);
        }
        if (bytes.length == 0 || (bytes[0] != PACKED && bytes[0] != PACKED_V1)) {
            throw new IllegalArgumentException("not a packed recommendations value (first byte "
                    + (bytes.length == 0 ? "missing" : bytes[0]) + ")");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        String userId = string(in);
        long generatedAt = varint(in);
        String modelVersion = string(in);
        String trigger = string(in);
        int reasonCount = count(in, bytes.length);
        List<String> reasons = new ArrayList<>(reasonCount);
        for (int i = 0; i < reasonCount; i++) {
            reasons.add(string(in));
        }
        int itemCount = count(in, bytes.length);
        List<RecommendedItem> items = new ArrayList<>(itemCount);
        for (int i = 0; i < itemCount; i++) {
            String id = string(in);
            double score = in.getDouble();
            int reason = count(in, reasons.size() - 1);
            items.add(new RecommendedItem(id, score, reasons.get(reason)));
        }
        boolean v1 = bytes[0] == PACKED_V1;
        String experiment = v1 ? "" : string(in);
        String variant = v1 ? "" : string(in);
        // The tenant is not packed: the stored ids are scoped, so the user id names it.
        return new Recommendations(userId, generatedAt, modelVersion, trigger, items, experiment, variant,
                TenantKeys.tenantOf(userId));
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(out, b.length);
        out.writeBytes(b);
    }

    private static String string(ByteBuffer in) {
        int n = count(in, in.remaining());
        String s = new String(in.array(), in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        Varints.write(out, v);
    }

    private static long varint(ByteBuffer in) {
        return Varints.read(in);
    }

    /** A varint that must lie in [0, max]: a length or an index. */
    private static int count(ByteBuffer in, int max) {
        long v = varint(in);
        if (v < 0 || v > max) {
            throw new IllegalArgumentException("packed recommendations value: " + v + " out of range 0.." + max);
        }
        return (int) v;
    }
}
