package dev.streamrec.app.topology;

import java.nio.ByteBuffer;
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
 * <p>Stored packed (UserHistory version 2): each distinct item id once, then per event one varint
 * (item index and type) and one varint (time since the previous event), so a held event costs a few
 * bytes instead of an Avro record with a 36-character event id. Event ids are not kept: de-duplication
 * has its own store, and the recommendation carries its trigger's id. Version 1 values (one
 * {@link HistoryEntry} per event, written before) are read as well.
 */
public final class History implements EventHistory {

    public static final History EMPTY = new History(new String[0], new EventType[0], new long[0], List.of());

    private static final EventType[] CODES = {EventType.VIEW, EventType.CLICK, EventType.ADD_TO_CART, EventType.PURCHASE};

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
        List<String> purchased = List.copyOf(h.getPurchased());
        if (!h.getEvents().isEmpty()) { // version 1
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

    /** The store value (version 2). */
    public UserHistory toAvro() {
        Map<String, Integer> index = new HashMap<>();
        List<String> dictionary = new ArrayList<>();
        ByteBuffer out = ByteBuffer.allocate(items.length * 20);
        long previous = 0;
        for (int i = 0; i < items.length; i++) {
            Integer at = index.get(items[i]);
            if (at == null) {
                at = dictionary.size();
                index.put(items[i], at);
                dictionary.add(items[i]);
            }
            writeVarint(out, ((long) at << 2) | code(types[i]));
            writeVarint(out, zigzagEncode(times[i] - previous));
            previous = times[i];
        }
        out.flip();
        return new UserHistory(List.of(), new ArrayList<>(purchased), dictionary,
                ByteBuffer.wrap(Arrays.copyOf(out.array(), out.limit())));
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
