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
 * @param updatedAt when the item side published the list (decay is applied from there)
 * @param ids       neighbour item ids, best first
 * @param scores    their co-visit scores, same order
 */
record NeighbourList(long updatedAt, String[] ids, double[] scores) {

    static NeighbourList of(ItemNeighbours published, ItemIds ids) {
        List<NeighbourScore> ns = published.getNeighbours();
        String[] idArray = new String[ns.size()];
        double[] scoreArray = new double[ns.size()];
        for (int i = 0; i < idArray.length; i++) {
            NeighbourScore n = ns.get(i);
            idArray[i] = ids.canonical(n.getItemId());
            scoreArray[i] = n.getScore();
        }
        return new NeighbourList(published.getUpdatedAt(), idArray, scoreArray);
    }

    int size() {
        return ids.length;
    }
}
