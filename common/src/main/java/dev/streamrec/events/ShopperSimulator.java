package dev.streamrec.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import dev.streamrec.avro.EventType;
import dev.streamrec.avro.UserEvent;

/**
 * Simulated shoppers with latent tastes, so that recommendations are learnable and their quality
 * measurable. Items fall in clusters (item {@code i} is in cluster {@code i % clusters}); within a
 * cluster popularity follows a Zipf law. Each user likes two clusters (70/30). A session stays in
 * one of the user's clusters with probability {@code loyalty}, otherwise wanders to a globally
 * popular item; each viewed item may go down the funnel VIEW, CLICK, ADD_TO_CART, PURCHASE.
 *
 * <p>Deterministic for a seed. The shop (item clusters, users' tastes) comes from
 * {@link Settings#seed()}; the event stream (who shops what, event ids) from the same seed, or, with
 * {@link #ShopperSimulator(Settings, long)}, from a run seed as well: the same shoppers then produce
 * new events with new ids, which a restarted {@code dev} or a second {@code simulate} needs (the app
 * drops repeated event ids as duplicates). Not thread-safe: one simulator per producing thread.
 */
public final class ShopperSimulator {

    /** Shape of the simulated shop. */
    public record Settings(int users, int items, int clusters, double zipfExponent, double loyalty,
                           int meanSessionLength, long seed) {
        public static Settings defaults() {
            return new Settings(2_000, 1_000, 20, 1.1, 0.85, 12, 42L);
        }

        public Settings withSeed(long newSeed) {
            return new Settings(users, items, clusters, zipfExponent, loyalty, meanSessionLength, newSeed);
        }

        public Settings withUsers(int n) {
            return new Settings(n, items, clusters, zipfExponent, loyalty, meanSessionLength, seed);
        }

        public Settings withItems(int n) {
            return new Settings(users, n, clusters, zipfExponent, loyalty, meanSessionLength, seed);
        }
    }

    private static final double P_CLICK = 0.35;
    private static final double P_CART = 0.30;
    private static final double P_PURCHASE = 0.50;
    private static final double P_CONTINUE_SESSION = 0.75;

    private final Settings settings;
    private final SplittableRandom random;
    private final double[][] clusterCdf;   // per cluster, cumulative Zipf weights over its items
    private final int[][] clusterItems;
    private final double[] globalCdf;
    private final int[][] taste;           // per user: favourite and second cluster
    private final Map<Integer, Session> sessions = new HashMap<>();
    private final List<Integer> activeUsers = new ArrayList<>();
    private long sessionCounter;
    private int lastSessionCluster = -1;

    private static final class Session {
        final String id;
        final int cluster;
        int stepsLeft;
        int funnelItem = -1;
        EventType funnelStage;

        Session(String id, int cluster, int steps) {
            this.id = id;
            this.cluster = cluster;
            this.stepsLeft = steps;
        }
    }

    public ShopperSimulator(Settings settings) {
        this(settings, 0L);
    }

    /**
     * @param runSeed 0 for the stream of {@code settings.seed()} alone; any other value gives another
     *                stream (other sessions, other event ids) from the same shop and shoppers
     */
    public ShopperSimulator(Settings settings, long runSeed) {
        this.settings = settings;
        SplittableRandom shop = new SplittableRandom(settings.seed());
        int clusters = settings.clusters();
        clusterItems = new int[clusters][];
        clusterCdf = new double[clusters][];
        for (int c = 0; c < clusters; c++) {
            int size = (settings.items() - c + clusters - 1) / clusters;
            clusterItems[c] = new int[size];
            for (int j = 0; j < size; j++) {
                clusterItems[c][j] = c + j * clusters;
            }
            clusterCdf[c] = zipfCdf(size, settings.zipfExponent());
        }
        globalCdf = zipfCdf(settings.items(), settings.zipfExponent());
        taste = new int[settings.users()][2];
        for (int u = 0; u < settings.users(); u++) {
            taste[u][0] = shop.nextInt(clusters);
            taste[u][1] = (taste[u][0] + 1 + shop.nextInt(clusters - 1)) % clusters;
        }
        // runSeed 0 continues the shop's generator, so a seed alone gives the same events as always.
        this.random = runSeed == 0 ? shop : new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L ^ runSeed);
    }

    public Settings settings() {
        return settings;
    }

    public static String userId(int u) {
        return "user-" + u;
    }

    public static String itemId(int i) {
        return "item-" + i;
    }

    /** The cluster an item belongs to (ground truth for quality checks). */
    public int clusterOf(String itemId) {
        return Integer.parseInt(itemId.substring("item-".length())) % settings.clusters();
    }

    /** The two clusters a user likes, favourite first. */
    public int[] tasteOf(String userId) {
        return taste[Integer.parseInt(userId.substring("user-".length()))].clone();
    }

    /**
     * The cluster of the session that produced the last event from {@link #next} (ground truth for quality checks:
     * that event's item came from this cluster's Zipf law with probability {@code loyalty}, else from the global one).
     */
    public int lastSessionCluster() {
        return lastSessionCluster;
    }

    /** The next event, stamped with the given event time. */
    public UserEvent next(long timestampMs) {
        int user = pickUser();
        Session s = sessions.get(user);
        lastSessionCluster = s.cluster;
        int item;
        EventType type;
        if (s.funnelItem >= 0) {
            item = s.funnelItem;
            type = s.funnelStage;
            s.funnelItem = -1;
        } else {
            item = random.nextDouble() < settings.loyalty()
                    ? clusterItems[s.cluster][sample(clusterCdf[s.cluster])]
                    : sample(globalCdf);
            type = EventType.VIEW;
        }
        EventType nextStage = switch (type) {
            case VIEW -> random.nextDouble() < P_CLICK ? EventType.CLICK : null;
            case CLICK -> random.nextDouble() < P_CART ? EventType.ADD_TO_CART : null;
            case ADD_TO_CART -> random.nextDouble() < P_PURCHASE ? EventType.PURCHASE : null;
            default -> null;
        };
        if (nextStage != null) {
            s.funnelItem = item;
            s.funnelStage = nextStage;
        }
        String sessionId = s.id;
        if (--s.stepsLeft <= 0 && s.funnelItem < 0) {
            sessions.remove(user);
            activeUsers.remove((Integer) user);
        }
        return UserEvent.newBuilder()
                .setEventId(new UUID(random.nextLong(), random.nextLong()).toString())
                .setUserId(userId(user)).setSessionId(sessionId).setItemId(itemId(item))
                .setType(type).setTimestamp(timestampMs).setContext(Map.of()).build();
    }

    private int pickUser() {
        if (!activeUsers.isEmpty() && random.nextDouble() < P_CONTINUE_SESSION) {
            return activeUsers.get(random.nextInt(activeUsers.size()));
        }
        int user = random.nextInt(settings.users());
        if (!sessions.containsKey(user)) {
            int cluster = random.nextDouble() < 0.7 ? taste[user][0] : taste[user][1];
            int steps = 1 + random.nextInt(2 * settings.meanSessionLength());
            sessions.put(user, new Session("s-" + (++sessionCounter), cluster, steps));
            activeUsers.add(user);
        }
        return user;
    }

    private int sample(double[] cdf) {
        double r = random.nextDouble() * cdf[cdf.length - 1];
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < r) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[Math.max(1, n)];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        return cdf;
    }
}
