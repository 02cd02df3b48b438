package dev.streamrec.app.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.avro.internal.HistoryEntry;
import dev.streamrec.avro.internal.UserHistory;
import dev.streamrec.onnx.EventHistory;
import dev.streamrec.serde.Serdes;

/**
 * A user's recent events (oldest first) and purchased items, as the topology and the HTTP API read
 * them: the decoded form of the {@value StreamrecTopology#HISTORY_STORE} store's {@link UserHistory}
 * value. Immutable; {@link #append} returns a new history. The one history type from the store to the
 * model's tensors: rankers and {@code HistoryEncoder} read it by index ({@link EventHistory}), so
 * nothing copies it into another shape on the way.
 *
 * <p>Stored packed (UserHistory version 2): each distinct item id once, front-coded against the
 * previous one (see {@link #readDictionary}), the purchased items as indexes into it, then per event one varint
 * (item index and type) and one varint (time since the previous event) (values written before the
 * front coding keep their ids in the {@code items} and {@code purchased} fields and are still read), so a held event costs a few
 * bytes instead of an Avro record with a 36-character event id. Event ids are not kept: de-duplication
 * has its own store, and the recommendation carries its trigger's id. Version 1 values (one
 * {@link HistoryEntry} per event, written before) are read as well.
 */
public final class History implements EventHistory {

    public static final History EMPTY = new History(new String[0], new EventType[0], new long[0], List.of());

    private static final EventType[] CODES = {EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE};
    /**
     * First byte of a {@code packed} value that carries its own front-coded dictionary. The earlier layout
     * starts with the first event's varint, item 0, so its first byte is 0-3: the two never collide.
     */
    private static final byte FRONT_CODED = 0x7F;

    private final String[] items;
    private final EventType[] types;
    private final long[] times;
    private final List<String> purchased;

    private History(String[] items, EventType[] types, long[] times, List<String> purchased) {
        this.items = items;
        this.types = types;
        this.times = times;
        this.purchased = purchased;
    }

    /** Decodes a store value (either version); {@code null} gives {@link #EMPTY}. */
    public static History of(UserHistory h) {
        if (h == null) {
            return EMPTY;
        }
        if (!h.getEvents().isEmpty()) { // version 1
            List<String> purchased = List.copyOf(h.getPurchased());
            int n = h.getEvents().size();
            String[] items = new String[n];
            EventType[] types = new EventType[n];
            long[] times = new long[n];
            for (int i = 0; i < n; i++) {
                HistoryEntry e = h.getEvents().get(i);
                items[i] = e.getItemId();
                types[i] = EventType.valueOf(e.getType());
                times[i] = e.getTimestamp();
            }
            return new History(items, types, times, purchased);
        }
        ByteBuffer packed = h.getPacked().duplicate();
        List<String> dictionary = h.getItems();
        List<String> purchased = List.copyOf(h.getPurchased());
        if (packed.hasRemaining() && packed.get(packed.position()) == FRONT_CODED) {
            dictionary = readDictionary(packed);
            purchased = readPurchases(packed, dictionary);
        }
        List<String> items = new ArrayList<>();
        List<EventType> types = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        long previous = 0;
        while (packed.hasRemaining()) {
            long ref = readVarint(packed);
            long t = previous + zigzagDecode(readVarint(packed));
            int index = (int) (ref >>> 2);
            if (index >= dictionary.size()) {
                throw new IllegalArgumentException("history refers to item " + index + " of " + dictionary.size());
            }
            items.add(dictionary.get(index));
            types.add(CODES[(int) (ref & 3)]);
            times.add(t);
            previous = t;
        }
        long[] ts = new long[times.size()];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = times.get(i);
        }
        return new History(items.toArray(String[]::new), types.toArray(EventType[]::new), ts, purchased);
    }

    /**
     * Stored bytes per held event over every value {@code values} yields (the history store's, e.g.
     * through interactive queries): the {@code history_bytes_per_event} figure of the bench. NaN without
     * events.
     */
    public static double storedBytesPerEvent(Iterator<UserHistory> values) {
        long bytes = 0;
        long events = 0;
        while (values.hasNext()) {
            UserHistory h = values.next();
            bytes += Serdes.USER_HISTORY.toBytes(h).length;
            events += of(h).size();
        }
        return events == 0 ? Double.NaN : (double) bytes / events;
    }

    /** The store value (version 2, dictionary front-coded in {@code packed}). */
    public UserHistory toAvro() {
        Map<String, Integer> index = new HashMap<>();
        List<byte[]> dictionary = new ArrayList<>();
        int[] refs = new int[items.length];
        int dictionaryBytes = 0;
        for (int i = 0; i < items.length + purchased.size(); i++) {
            String item = i < items.length ? items[i] : purchased.get(i - items.length);
            Integer at = index.get(item);
            if (at == null) {
                at = dictionary.size();
                index.put(item, at);
                byte[] id = item.getBytes(StandardCharsets.UTF_8);
                dictionary.add(id);
                dictionaryBytes += id.length + 10;
            }
            if (i < items.length) {
                refs[i] = at;
            }
        }
        ByteBuffer out = ByteBuffer.allocate(11 + dictionaryBytes + purchased.size() * 5 + items.length * 20);
        out.put(FRONT_CODED);
        writeVarint(out, dictionary.size());
        byte[] before = new byte[0];
        for (byte[] id : dictionary) {
            int shared = 0;
            while (shared < Math.min(before.length, id.length) && before[shared] == id[shared]) {
                shared++;
            }
            writeVarint(out, shared);
            writeVarint(out, id.length - shared);
            out.put(id, shared, id.length - shared);
            before = id;
        }
        writeVarint(out, purchased.size());
        for (String item : purchased) {
            writeVarint(out, index.get(item));
        }
        long previous = 0;
        for (int i = 0; i < items.length; i++) {
            writeVarint(out, ((long) refs[i] << 2) | code(types[i]));
            writeVarint(out, zigzagEncode(times[i] - previous));
            previous = times[i];
        }
        out.flip();
        return new UserHistory(List.of(), List.of(), List.of(), ByteBuffer.wrap(Arrays.copyOf(out.array(), out.limit())));
    }

    /** The purchased items after the dictionary: a count, then each one's dictionary index. */
    private static List<String> readPurchases(ByteBuffer packed, List<String> dictionary) {
        long n = readVarint(packed);
        if (n < 0 || n > packed.remaining()) {
            throw new IllegalArgumentException("history holds " + n + " purchases in " + packed.remaining() + " bytes");
        }
        List<String> out = new ArrayList<>((int) n);
        for (int i = 0; i < n; i++) {
            long at = readVarint(packed);
            if (at < 0 || at >= dictionary.size()) {
                throw new IllegalArgumentException("history purchase refers to item " + at + " of " + dictionary.size());
            }
            out.add(dictionary.get((int) at));
        }
        return List.copyOf(out);
    }

    /**
     * The front-coded dictionary at the start of {@code packed} (after its marker byte): a count, then per
     * item id the bytes it shares with the previous id and its own remaining bytes (UTF-8). Ids such as
     * {@code item-1234} then cost a few bytes each instead of a whole string.
     */
    private static List<String> readDictionary(ByteBuffer packed) {
        packed.get(); // the marker
        long n = readVarint(packed);
        if (n < 0 || n > packed.remaining()) {
            throw new IllegalArgumentException("history dictionary of " + n + " items in " + packed.remaining() + " bytes");
        }
        List<String> out = new ArrayList<>((int) n);
        byte[] before = new byte[0];
        for (int i = 0; i < n; i++) {
            long shared = readVarint(packed);
            long own = readVarint(packed);
            if (shared < 0 || shared > before.length || own < 0 || own > packed.remaining()) {
                throw new IllegalArgumentException("history dictionary entry " + i + " is malformed");
            }
            byte[] id = Arrays.copyOf(before, (int) (shared + own));
            packed.get(id, (int) shared, (int) own);
            out.add(new String(id, StandardCharsets.UTF_8));
            before = id;
        }
        return out;
    }

    /** This history with {@code e} appended, cut to the last {@code maxEvents}, purchases to the last {@code maxPurchases}. */
    public History append(UserEvent e, int maxEvents, int maxPurchases) {
        int keep = Math.min(items.length, maxEvents - 1);
        int from = items.length - keep;
        String[] is = new String[keep + 1];
        EventType[] ts = new EventType[keep + 1];
        long[] ms = new long[keep + 1];
        System.arraycopy(items, from, is, 0, keep);
        System.arraycopy(types, from, ts, 0, keep);
        System.arraycopy(times, from, ms, 0, keep);
        is[keep] = e.getItemId();
        ts[keep] = e.getType();
        ms[keep] = e.getTimestamp();
        List<String> bought = purchased;
        if (e.getType() == EventType.PURCHASE) {
            List<String> b = new ArrayList<>(purchased);
            b.remove(e.getItemId());
            b.add(e.getItemId());
            bought = b.size() > maxPurchases ? List.copyOf(b.subList(b.size() - maxPurchases, b.size())) : List.copyOf(b);
        }
        return new History(is, ts, ms, bought);
    }

    /**
     * The history as it was right after {@code e} (the newest entry equal to it and everything
     * before; purchases that only entries after it made are left out), for an event ranked after the
     * user's later events were added. When {@code e} has already left the history, the whole
     * history, without later purchases, stands in.
     */
    History asOf(UserEvent e) {
        int at = -1;
        for (int i = items.length - 1; i >= 0; i--) {
            if (times[i] == e.getTimestamp() && types[i] == e.getType() && items[i].equals(e.getItemId())) {
                at = i;
                break;
            }
        }
        if (at == items.length - 1) {
            return this;
        }
        Set<String> boughtLater = new HashSet<>();
        for (int i = Math.max(at + 1, 0); i < items.length; i++) {
            if (types[i] == EventType.PURCHASE) {
                boughtLater.add(items[i]);
            }
        }
        for (int i = 0; i <= at; i++) {
            if (types[i] == EventType.PURCHASE) {
                boughtLater.remove(items[i]); // bought before e too
            }
        }
        List<String> bought = purchased;
        if (!boughtLater.isEmpty()) {
            bought = new ArrayList<>(purchased);
            bought.removeAll(boughtLater);
        }
        if (at < 0) {
            return new History(items, types, times, bought);
        }
        return new History(Arrays.copyOf(items, at + 1), Arrays.copyOf(types, at + 1), Arrays.copyOf(times, at + 1),
                bought);
    }

    @Override
    public int size() {
        return items.length;
    }

    @Override
    public String itemId(int i) {
        return items[i];
    }

    @Override
    public EventType type(int i) {
        return types[i];
    }

    @Override
    public long timestamp(int i) {
        return times[i];
    }

    /** Purchased item ids, oldest first. */
    public List<String> purchased() {
        return purchased;
    }

    /** The same events with every item id passed through {@code id} (a tenant's plain ids for its model). */
    public History mapItemIds(java.util.function.UnaryOperator<String> id) {
        String[] mapped = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            mapped[i] = id.apply(items[i]);
        }
        return new History(mapped, types, times, purchased.stream().map(id).toList());
    }

    /** Event time of the newest event, or {@link Long#MIN_VALUE} when empty. */
    public long lastTimestamp() {
        return times.length == 0 ? Long.MIN_VALUE : times[times.length - 1];
    }

    private static int code(EventType t) {
        return switch (t) {
            case VIEW -> 0;
            case CLICK -> 1;
            case ADD_TO_CART -> 2;
            case PURCHASE -> 3;
            default -> throw new IllegalArgumentException("no history code for event type " + t);
        };
    }

    private static void writeVarint(ByteBuffer out, long v) {
        Varints.write(out, v);
    }

    private static long readVarint(ByteBuffer in) {
        return Varints.read(in);
    }

    private static long zigzagEncode(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long zigzagDecode(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
