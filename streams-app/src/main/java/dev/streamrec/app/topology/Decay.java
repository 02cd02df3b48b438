package dev.streamrec.app.topology;

import java.time.Duration;

/** Exponential decay with a half-life: a weight {@code dt} old is worth {@code 2^(-dt/halfLife)}. */
record Decay(long halfLifeMs) {

    Decay(Duration halfLife) {
        this(halfLife.toMillis());
    }

    /** Factor for an age in ms; ages of zero or less give 1. */
    double factor(long ageMs) {
        return ageMs <= 0 ? 1.0 : Math.pow(0.5, (double) ageMs / halfLifeMs);
    }
}
