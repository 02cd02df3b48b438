package dev.streamrec.app.topology;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.streamrec.avro.internal.RecentRecommendations;

/**
 * Codec of the {@value StreamrecTopology#RECENT_RECOMMENDATIONS_STORE} value: which items were recommended
 * to a user and when (event time), keyed by the item id's {@link String#hashCode()}. The store only has to
 * answer "was this item shown within the quality window" for the online hit rate, so a 32-bit hash (a false
 * hit once in ~10^7 lookups at 200 items) and whole seconds do; stored packed (version 2: 4 + 1-3 bytes per
 * item instead of the id and a long). Version 1 values (a map of item ids) are read as well.
 */
final class RecentlyShown {

    private RecentlyShown() {
    }

    /** item-id hash → time last shown, epoch ms; a new mutable map. */
    static Map<Integer, Long> decode(RecentRecommendations r) {
        Map<Integer, Long> out = new HashMap<>();
        if (r == null) {
            return out;
        }
        r.getItems().forEach((item, at) -> out.put(item.hashCode(), at));
        ByteBuffer b = r.getPacked().duplicate();
        while (b.remaining() >= 5) {
            int hash = b.getInt();
            long age = 0;
            for (int shift = 0; ; shift += 7) {
                byte x = b.get();
                age |= (long) (x & 0x7F) << shift;
                if ((x & 0x80) == 0) {
                    break;
                }
            }
            out.merge(hash, r.getNewest() - age * 1000, Math::max);
        }
        return out;
    }

    /** The store value for {@code shown}, keeping the newest {@code limit} entries. */
    static RecentRecommendations encode(Map<Integer, Long> shown, int limit) {
        List<Map.Entry<Integer, Long>> byAge = new ArrayList<>(shown.entrySet());
        byAge.sort(Map.Entry.<Integer, Long>comparingByValue().reversed());
        if (byAge.size() > limit) {
            byAge = byAge.subList(0, limit);
        }
        long newest = byAge.isEmpty() ? 0 : byAge.getFirst().getValue();
        ByteBuffer out = ByteBuffer.allocate(byAge.size() * 14);
        for (Map.Entry<Integer, Long> e : byAge) {
            out.putInt(e.getKey());
            long age = (newest - e.getValue()) / 1000;
            Varints.write(out, age);
        }
        out.flip();
        byte[] bytes = new byte[out.limit()];
        out.get(bytes);
        return new RecentRecommendations(Map.of(), newest, ByteBuffer.wrap(bytes));
    }
}
