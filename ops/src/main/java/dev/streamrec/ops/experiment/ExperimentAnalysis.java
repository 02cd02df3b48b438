package dev.streamrec.ops.experiment;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Joins each recommendation list with its user's following events: a list is a <em>hit</em> when,
 * within {@code window} after the list's time (its triggering event's time), the user clicks or
 * buys an item of the list. Per experiment and variant: users, lists, hits, hit rate with a 95%
 * interval; against the control variant: relative lift with its interval and the z-test p-value.
 * Users, not lists, are what was randomised, and one user's lists are correlated, so every
 * interval and test uses the variance clustered by user ({@link Proportions.Clustered}). The same
 * hit definition as the app's online hit rate, computed afterwards over a time range.
 */
public final class ExperimentAnalysis {

    /** One recommendation list, as the recommendations topic holds it. */
    public record ListShown(String userId, long time, String experiment, String variant, List<String> items) {
    }

    /** One user event that may hit a list (the caller passes only clicks and purchases). */
    public record Interaction(String userId, long time, String itemId) {
    }

    private ExperimentAnalysis() {
    }

    /**
     * @param control the control variant per experiment; an experiment not named there takes its
     *                variant called {@code control}, else the first variant by name
     */
    public static ExperimentReport analyse(List<ListShown> lists, List<Interaction> interactions, long windowMs,
                                           Map<String, String> control) {
        Map<String, List<Interaction>> byUser = new HashMap<>();
        for (Interaction i : interactions) {
            byUser.computeIfAbsent(i.userId(), u -> new ArrayList<>()).add(i);
        }
        byUser.values().forEach(l -> l.sort(Comparator.comparingLong(Interaction::time)));
        // experiment -> variant -> user -> {lists, hits}
        Map<String, Map<String, Map<String, long[]>>> counts = new TreeMap<>();
        for (ListShown l : lists) {
            if (l.experiment() == null || l.experiment().isEmpty()) {
                continue;
            }
            long[] c = counts.computeIfAbsent(l.experiment(), e -> new TreeMap<>())
                    .computeIfAbsent(l.variant(), v -> new HashMap<>())
                    .computeIfAbsent(l.userId(), u -> new long[2]);
            c[0]++;
            if (hit(l, byUser.getOrDefault(l.userId(), List.of()), windowMs)) {
                c[1]++;
            }
        }
        List<ExperimentReport.ExperimentResult> results = new ArrayList<>();
        counts.forEach((experiment, variants) -> {
            String ctl = control.getOrDefault(experiment,
                    variants.containsKey("control") ? "control" : variants.keySet().iterator().next());
            Proportions.Clustered c = variants.containsKey(ctl) ? Proportions.Clustered.of(variants.get(ctl).values()) : null;
            Map<String, ExperimentReport.VariantResult> rows = new LinkedHashMap<>();
            if (c != null) {
                rows.put(ctl, row(ctl, true, c, null));
            }
            variants.forEach((v, users) -> {
                if (!v.equals(ctl)) {
                    rows.put(v, row(v, false, Proportions.Clustered.of(users.values()), c));
                }
            });
            results.add(new ExperimentReport.ExperimentResult(experiment, c == null ? null : ctl,
                    List.copyOf(rows.values())));
        });
        return new ExperimentReport(windowMs, results);
    }

    private static ExperimentReport.VariantResult row(String variant, boolean isControl, Proportions.Clustered x,
                                                      Proportions.Clustered control) {
        Proportions.Interval ci = x.interval();
        if (isControl || control == null) {
            return new ExperimentReport.VariantResult(variant, isControl, x.users(), x.lists(), x.hits(), x.rate(), ci,
                    null, null, null);
        }
        Double lift = control.rate() == 0 ? null : x.rate() / control.rate() - 1;
        return new ExperimentReport.VariantResult(variant, false, x.users(), x.lists(), x.hits(), x.rate(), ci, lift,
                Proportions.liftInterval(x, control), Proportions.zTestP(x, control));
    }

    /** A click or purchase of the user on a listed item in {@code (time, time + window]}. */
    private static boolean hit(ListShown l, List<Interaction> userEvents, long windowMs) {
        Set<String> items = new HashSet<>(l.items());
        int from = firstAfter(userEvents, l.time());
        for (int i = from; i < userEvents.size(); i++) {
            Interaction e = userEvents.get(i);
            if (e.time() - l.time() > windowMs) {
                break;
            }
            if (items.contains(e.itemId())) {
                return true;
            }
        }
        return false;
    }

    /** Index of the first event strictly after {@code time} (binary search; events sorted by time). */
    private static int firstAfter(List<Interaction> events, long time) {
        int lo = 0;
        int hi = events.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (events.get(mid).time() <= time) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
