package dev.streamrec.app.experiment;

import java.util.Collection;
import java.util.List;

import dev.streamrec.avro.Experiment;

/** Where the experiments defined on the topic go ({@link ExperimentsFollower}) and what is live (admin API). */
public interface ExperimentPlan {

    /** The experiments now defined (the whole set, as on the topic). */
    void apply(Collection<Experiment> defined);

    /** The live experiments (valid, sorted by name). */
    List<Experiment> live();
}
