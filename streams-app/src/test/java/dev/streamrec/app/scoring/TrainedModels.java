package dev.streamrec.app.scoring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import ai.onnx.proto.OnnxMl;
import dev.streamrec.avro.ModelPublished;
import dev.streamrec.avro.TrainingWindow;
import dev.streamrec.avro.UserEvent;
import dev.streamrec.events.ShopperSimulator;
import dev.streamrec.model.ModelContract;
import dev.streamrec.model.ModelManifest;
import dev.streamrec.onnx.ModelArtifact;
import dev.streamrec.trainer.data.EventLog;
import dev.streamrec.trainer.export.ArtifactWriter;
import dev.streamrec.trainer.export.OnnxExporter;
import dev.streamrec.trainer.model.SeqRecModel;
import dev.streamrec.trainer.train.Trainer;
import dev.streamrec.trainer.train.TrainingSettings;

/**
 * Real model artifacts for the scorer's and hot-swap's tests, made by the trainer's own Java API:
 * a small model trained for one epoch on {@link ShopperSimulator} events (about a second), exported
 * by {@link ArtifactWriter} under any number of versions (the export replays the golden input),
 * plus the broken variants hot-swap must refuse.
 */
public final class TrainedModels {

    public static final String NAME = "seqrec";
    public static final long START = 1_700_000_000_000L;
    /** Simulator shape shared with the tests that stream events: items "item-0".."item-149". */
    public static final int USERS = 300;
    public static final int ITEMS = 150;

    private static final Map<Long, SeqRecModel> TRAINED = new HashMap<>();

    private TrainedModels() {
    }

    /** Simulated events, 20 s apart from {@link #START}. */
    public static List<UserEvent> events(int count, long seed) {
        ShopperSimulator sim = new ShopperSimulator(ShopperSimulator.Settings.defaults()
                .withUsers(USERS).withItems(ITEMS).withSeed(seed));
        List<UserEvent> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(sim.next(START + i * 20_000L));
        }
        return out;
    }

    /** A model trained on seed {@code seed}'s events (cached per seed: training is deterministic). */
    public static synchronized SeqRecModel trained(long seed) {
        return TRAINED.computeIfAbsent(seed, s -> {
            TrainingSettings settings = TrainingSettings.defaults().withDim(16).withMaxHistory(10).withMaxEpochs(1)
                    .withOptimiser(128, 32, 0.01f, 1e-5f).withThreads(2).withSeed(s);
            return new Trainer(settings).train(EventLog.of(events(4_000, s), "simulator"), List.of(), null).model();
        });
    }

    /** Exports the seed's model as {@code <root>/seqrec/<version>/}. */
    public static ModelArtifact export(Path root, String version, long seed) {
        return ArtifactWriter.write(trained(seed), new OnnxExporter.Metadata(NAME, version,
                        new ModelManifest.TrainedOn(START, START + 4_000 * 20_000L, 4_000, "simulator"),
                        Map.of("ndcg_at_10", 0.25)),
                START, root.resolve(NAME).resolve(version));
    }

    /** The model-updates record the trainer would send for an artifact. */
    public static ModelPublished announcement(ModelArtifact a) {
        return announcement(a, a.manifest().sha256());
    }

    public static ModelPublished announcement(ModelArtifact a, String sha256) {
        ModelManifest m = a.manifest();
        return ModelPublished.newBuilder().setName(m.name()).setVersion(m.version())
                .setUri(a.directory().toAbsolutePath().toString()).setSha256(sha256).setCreatedAt(m.createdAt())
                .setMetrics(new HashMap<>(m.metrics()))
                .setTrainedOn(TrainingWindow.newBuilder().setStartTimestamp(START).setEndTimestamp(START)
                        .setEventCount(4_000).setSource("simulator").build())
                .build();
    }

    /** A good export whose model file is then damaged: its sha256 no longer matches (announcement keeps the good one). */
    public static ModelPublished corrupted(Path root, String version, long seed) {
        ModelArtifact a = export(root, version, seed);
        try {
            byte[] bytes = Files.readAllBytes(a.modelFile());
            for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
                bytes[i] ^= 0x5A;
            }
            Files.write(a.modelFile(), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return announcement(a);
    }

    /** A good export whose manifest claims another contract version. */
    public static ModelPublished wrongContractVersion(Path root, String version, long seed) {
        ModelArtifact a = export(root, version, seed);
        ModelManifest m = a.manifest();
        new ModelManifest(ModelContract.CONTRACT_VERSION + 1, m.name(), m.version(), m.createdAt(), m.sha256(),
                m.vocabularySize(), m.embeddingDim(), m.maxHistory(), m.inputs(), m.outputs(), m.metrics(), m.trainedOn(),
                m.golden()).write(a.directory().resolve(ModelContract.MANIFEST_FILE));
        return announcement(a);
    }

    /**
     * A good export whose graph lost the {@code top_items} and {@code top_scores} outputs; the
     * manifest (still declaring the contract) and the announcement carry the new file's sha256, so
     * only the graph check can catch it.
     */
    public static ModelPublished withoutFullCatalogOutputs(Path root, String version, long seed) {
        ModelArtifact a = export(root, version, seed);
        try {
            OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(a.modelFile()));
            OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
            List<OnnxMl.ValueInfoProto> keep = g.getOutputList().stream()
                    .filter(o -> o.getName().equals(ModelContract.SCORES)).toList();
            g.clearOutput().addAllOutput(keep);
            Files.write(a.modelFile(), proto.toBuilder().setGraph(g).build().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String sha = ModelArtifact.sha256(a.modelFile());
        ModelManifest m = a.manifest();
        new ModelManifest(m.contractVersion(), m.name(), m.version(), m.createdAt(), sha, m.vocabularySize(),
                m.embeddingDim(), m.maxHistory(), m.inputs(), m.outputs(), m.metrics(), m.trainedOn(), m.golden())
                .write(a.directory().resolve(ModelContract.MANIFEST_FILE));
        return announcement(ModelArtifact.load(a.directory()));
    }

    /**
     * A good export whose input embeddings ({@code item_in}) are NaN for {@code poisoned} items: a
     * user with one of them in the history gets NaN for every score, anyone else normal scores. The
     * load checks' inputs avoid them (the caller keeps them out of {@link #goldenItems}), so the
     * artifact passes every load check; manifest and announcement carry the edited file's sha256.
     */
    public static ModelPublished nanForHistoriesWith(Path root, String version, long seed, java.util.Set<String> poisoned) {
        ModelArtifact a = export(root, version, seed);
        SeqRecModel model = trained(seed);
        try {
            OnnxMl.ModelProto proto = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(a.modelFile()));
            OnnxMl.GraphProto.Builder g = proto.getGraph().toBuilder();
            int edited = 0;
            for (int i = 0; i < g.getInitializerCount(); i++) {
                OnnxMl.TensorProto t = g.getInitializer(i);
                if (!t.getName().equals("item_in")) {
                    continue;
                }
                int dim = (int) t.getDims(1);
                java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(t.getRawData().toByteArray())
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                for (String item : poisoned) {
                    int row = model.vocabulary.index(item);
                    if (row == dev.streamrec.trainer.model.Vocabulary.UNKNOWN) {
                        throw new IllegalArgumentException(item + " is not in the model's vocabulary");
                    }
                    for (int d = 0; d < dim; d++) {
                        buf.putFloat((row * dim + d) * Float.BYTES, Float.NaN);
                    }
                }
                g.setInitializer(i, t.toBuilder().setRawData(com.google.protobuf.ByteString.copyFrom(buf.array())));
                edited++;
            }
            if (edited != 1) {
                throw new IllegalStateException("expected one item_in initializer, found " + edited);
            }
            Files.write(a.modelFile(), proto.toBuilder().setGraph(g).build().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelManifest m = a.manifest();
        new ModelManifest(m.contractVersion(), m.name(), m.version(), m.createdAt(), ModelArtifact.sha256(a.modelFile()),
                m.vocabularySize(), m.embeddingDim(), m.maxHistory(), m.inputs(), m.outputs(), m.metrics(), m.trainedOn(),
                m.golden()).write(a.directory().resolve(ModelContract.MANIFEST_FILE));
        return announcement(ModelArtifact.load(a.directory()));
    }

    /**
     * The item ids of the golden input (history and expected top items) of seed's model: the load
     * checks replay them (golden check, warm-up), so a model {@link #nanForHistoriesWith} them is refused.
     */
    public static List<String> goldenItems(Path root, long seed) {
        ModelManifest.Golden g = export(root, "golden-probe", seed).manifest().golden();
        List<String> out = new ArrayList<>(g.historyItems());
        out.addAll(g.topItems());
        return out;
    }
}
