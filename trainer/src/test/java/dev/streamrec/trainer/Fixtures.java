package dev.streamrec.trainer;

import java.util.ArrayList;
import java.util.List;

import dev.streamrec.avro.UserEvent;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.train.TrainingSettings;

/** Small generated data and fast settings shared by the trainer's tests. */
public final class Fixtures {

    public static final long START = 1_700_000_000_000L;

    private Fixtures() {
    }

    /** Simulated shoppers' events, 20 s apart. */
    public static List<UserEvent> events(int users, int items, int count, long seed) {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults()
                .withUsers(users).withItems(items).withSeed(seed));
        List<UserEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(sim.next(START + i * 20_000L));
        }
        return out;
    }

    public static EventLog log(int users, int items, int count, long seed) {
        return EventLog.of(events(users, items, count, seed), "simulator");
    }

    /** Quick settings: small model, few epochs. */
    public static TrainingSettings quick() {
        return TrainingSettings.defaults().withDim(16).withMaxHistory(10).withMaxEpochs(3)
                .withOptimiser(128, 32, 0.01f, 1e-5f);
    }
}
