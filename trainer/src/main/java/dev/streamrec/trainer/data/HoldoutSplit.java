package dev.streamrec.trainer.data;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import dev.streamrec.onnx.HistoryEvent;

/**
 * Time-based leave-last-out: for each user the holdout is the latest event with an item the user
 * had not used before (what a recommender is for; a funnel step on the same item is not a
 * discovery), with everything earlier as its history. That event and any later ones leave the
 * training data, so nothing after the holdout's time leaks into training for that user.
 *
 * <p>Negatives are drawn uniformly from the training catalogue among items the user never touched,
 * seeded per user, so two models evaluated on one split see exactly the same cases.
 */
public final class HoldoutSplit {

    private HoldoutSplit() {
    }

    /**
     * @param maxUsers  at most this many users get a holdout (chosen by a seeded shuffle), to keep
     *                  validation cheap on large logs; their other events still train
     */
    public static Split lastNewItem(EventLog log, int negatives, int maxUsers, long seed) {
        List<String> candidates = new ArrayList<>(log.users().keySet());
        Set<String> chosen = new HashSet<>();
        SplittableRandom pick = new SplittableRandom(seed);
        for (int i = candidates.size() - 1; i > 0; i--) { // Fisher-Yates: seeded, independent of map internals
            int j = pick.nextInt(i + 1);
            String t = candidates.get(i);
            candidates.set(i, candidates.get(j));
            candidates.set(j, t);
        }
        candidates.stream().limit(maxUsers).forEach(chosen::add);

        Map<String, List<HistoryEvent>> train = new LinkedHashMap<>();
        Map<String, Integer> cut = new LinkedHashMap<>();
        for (var e : log.users().entrySet()) {
            List<HistoryEvent> seq = e.getValue();
            int t = chosen.contains(e.getKey()) ? lastNewItemIndex(seq) : -1;
            train.put(e.getKey(), t < 0 ? seq : List.copyOf(seq.subList(0, t)));
            if (t >= 0) {
                cut.put(e.getKey(), t);
            }
        }
        EventLog trainLog = new EventLog(train, log.source());
        List<String> catalogue = List.copyOf(new TreeSet<>(itemsOf(trainLog)));
        List<EvalCase> cases = new ArrayList<>();
        for (var e : cut.entrySet()) {
            List<HistoryEvent> seq = log.users().get(e.getKey());
            HistoryEvent target = seq.get(e.getValue());
            Set<String> used = new HashSet<>();
            seq.forEach(i -> used.add(i.itemId()));
            cases.add(new EvalCase(e.getKey(), train.get(e.getKey()), target.itemId(), target.timestamp(),
                    sampleNegatives(catalogue, used, negatives, seed ^ e.getKey().hashCode())));
        }
        return new Split(trainLog, cases);
    }

    private static int lastNewItemIndex(List<HistoryEvent> seq) {
        for (int t = seq.size() - 1; t >= 1; t--) {
            String item = seq.get(t).itemId();
            boolean seen = false;
            for (int j = 0; j < t && !seen; j++) {
                seen = seq.get(j).itemId().equals(item);
            }
            if (!seen) {
                return t;
            }
        }
        return -1;
    }

    static Set<String> itemsOf(EventLog log) {
        Set<String> items = new HashSet<>();
        log.users().values().forEach(l -> l.forEach(i -> items.add(i.itemId())));
        return items;
    }

    /**
     * Up to {@code n} distinct items of the catalogue outside {@code used}.
     *
     * @param catalogue distinct ids in natural order (looked up by binary search: a user costs
     *                  O(|used| log |catalogue|), not a pass over the catalogue)
     */
    public static List<String> sampleNegatives(List<String> catalogue, Set<String> used, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int usedInCatalogue = 0;
        for (String u : used) {
            usedInCatalogue += java.util.Collections.binarySearch(catalogue, u) >= 0 ? 1 : 0;
        }
        int available = catalogue.size() - usedInCatalogue;
        int want = Math.min(n, available);
        Set<String> picked = new java.util.LinkedHashSet<>();
        while (picked.size() < want) {
            String item = catalogue.get(random.nextInt(catalogue.size()));
            if (!used.contains(item)) {
                picked.add(item);
            }
        }
        return List.copyOf(picked);
    }
}
