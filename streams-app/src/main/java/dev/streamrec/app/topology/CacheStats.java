package dev.streamrec.app.topology;

/**
 * What one of the instance's heap caches ({@code streamrec.caches.*}) has done so far, for metrics: reads,
 * loads from its store (the misses) and the entries it holds. Sizing a cache is a trade of heap for loads:
 * a load is a RocksDB read and an Avro decode on the stream thread.
 */
public interface CacheStats {

    /** Reads so far, hits and misses. */
    long reads();

    /** Misses so far: reads that went to the store. */
    long loads();

    /** Entries held now. */
    int entries();
}
