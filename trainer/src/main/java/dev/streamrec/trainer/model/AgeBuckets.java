package dev.streamrec.trainer.model;

/**
 * Maps an event's age (seconds before scoring) to a bucket: the number of boundaries it reaches.
 * Computed with comparisons only, never logarithms, so the Java model and the ONNX graph
 * ({@code GreaterOrEqual} then {@code ReduceSum}) put every age in the same bucket bit for bit.
 */
public final class AgeBuckets {

    /** One minute up to one year, roughly geometric: sessions, days, weeks, seasons. */
    public static final float[] DEFAULT_BOUNDARIES = {
            60f, 600f, 3_600f, 21_600f, 86_400f, 259_200f, 604_800f, 2_592_000f, 7_776_000f, 31_536_000f};

    private AgeBuckets() {
    }

    public static int bucket(float ageSeconds, float[] boundaries) {
        int b = 0;
        for (float boundary : boundaries) {
            if (ageSeconds >= boundary) {
                b++;
            }
        }
        return b;
    }
}
