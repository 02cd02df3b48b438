package dev.streamrec.app.topology;

import dev.streamrec.avro.internal.ItemNeighbours;
import dev.streamrec.avro.internal.NeighbourScore;
import java.util.List;

/**
 * A published neighbour list in the form {@link GlobalCache} keeps it for candidate generation: the ids, shared
 * with every other cached list through {@link ItemIds}, and the scores in one array.
 *
 * <p>Why not the decoded Avro value: a cached list lives from its load until its item's next publication,
 * seconds to minutes, so G1 copies it between survivor spaces at every young collection until it dies. As Avro
 * objects a list of 50 neighbours is about 150 objects (a record, a String and its bytes per neighbour); here it
 * is three, and the ids are the same few objects for all lists, promoted once. Decoded lists were the app's
 * largest source of such mid-lived objects in a JFR old-object sample of the bench's latency phase
 * (BENCHMARKS.md, issue 11, "The heap's size; what survives a young collection").
 *
 * <p>The ids' hash codes are kept too, in their own array: candidate generation walks up to seeds x top-m
 * neighbours per event, and with the hashes at hand it filters excluded items and finds a candidate's entry
 * without loading each id's {@code String}, a cache miss per neighbour (the exclusion check alone was 5% of the
 * stream threads' CPU at steady state, BENCHMARKS.md issue 11, "Candidate generation without the id strings").
 *
 * @param updatedAt when the item side published the list (decay is applied from there)
 * @param ids       neighbour item ids, best first
 * @param hashes    their {@link String#hashCode()}s, same order
 * @param scores    their co-visit scores, same order
 */
record NeighbourList(long updatedAt, String[] ids, int[] hashes, double[] scores) {

    static NeighbourList of(ItemNeighbours published, ItemIds ids) {
        List<NeighbourScore> ns = published.getNeighbours();
        String[] idArray = new String[ns.size()];
        int[] hashArray = new int[ns.size()];
        double[] scoreArray = new double[ns.size()];
        for (int i = 0; i < idArray.length; i++) {
            NeighbourScore n = ns.get(i);
            idArray[i] = ids.canonical(n.getItemId());
            hashArray[i] = idArray[i].hashCode();
            scoreArray[i] = n.getScore();
        }
        return new NeighbourList(published.getUpdatedAt(), idArray, hashArray, scoreArray);
    }

    int size() {
        return ids.length;
    }
}
