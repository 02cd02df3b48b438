package dev.streamrec.ops.reset;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import dev.streamrec.ops.KafkaCalls;
import dev.streamrec.ops.OpsException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a Kafka Streams application's committed input offsets to a point in time, like Kafka's
 * {@code StreamsResetter} with {@code --to-datetime}, implemented on the Admin API:
 * <ol>
 *   <li>find the application's group (classic/consumer protocol, or the streams protocol of KIP-1071)
 *       and refuse while it has members: offsets only stay put in a group nobody is in;</li>
 *   <li>resolve each input partition's first offset at or after the time ({@code ListOffsets} by
 *       timestamp; the end offset where no record is that recent);</li>
 *   <li>commit those offsets for the group, and optionally delete the internal topics
 *       ({@code <application.id>-*-changelog} and {@code -repartition}).</li>
 * </ol>
 * A dry run does steps 1 and 2 and reports active members instead of refusing.
 *
 * <p>Deleting internal topics throws away the state stores' changelogs: each instance must also wipe
 * its local state ({@code KafkaStreams#cleanUp()}) before it starts again. Without deleting them, the
 * stores keep what they had, so events the app already saw (same eventId) are de-duplicated.
 */
public final class AppResetter {

    private static final Logger LOG = LoggerFactory.getLogger(AppResetter.class);

    private final Map<String, Object> clientConfig;

    public AppResetter(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /** Plans and, unless {@link ResetSpec#dryRun()}, applies the reset. */
    public ResetPlan reset(ResetSpec spec) {
        try (Admin admin = Admin.create(clientConfig)) {
            String app = spec.applicationId();
            Map<String, TopicDescription> topics = KafkaCalls.describeExisting(admin, spec.inputTopics());
            Optional<GroupListing> listing = KafkaCalls.await(admin.listGroups().all(), "list groups").stream()
                    .filter(g -> g.groupId().equals(app)).findFirst();
            GroupType type = listing.flatMap(GroupListing::type).orElse(null);
            if (type == GroupType.SHARE) {
                throw new OpsException("group '" + app + "' is a share group, not a Kafka Streams application");
            }
            boolean streamsProtocol = type == GroupType.STREAMS;
            String state = listing.flatMap(GroupListing::groupState).map(Object::toString).orElse("none");
            List<String> members = listing.isEmpty() ? List.of()
                    : streamsProtocol ? streamsMembers(admin, app) : consumerMembers(admin, app);

            List<TopicPartition> tps = new ArrayList<>();
            for (String topic : spec.inputTopics()) {
                topics.get(topic).partitions().forEach(p -> tps.add(new TopicPartition(topic, p.partition())));
            }
            Map<TopicPartition, OffsetAndMetadata> committed = listing.isEmpty() ? Map.of()
                    : committedOffsets(admin, app, tps, streamsProtocol);
            Map<TopicPartition, Long> atTime = listOffsets(admin, tps, OffsetSpec.forTimestamp(spec.toTime().toEpochMilli()),
                    "find offsets for " + spec.toTime());
            Map<TopicPartition, Long> end = listOffsets(admin, tps, OffsetSpec.latest(), "find end offsets");
            List<ResetPlan.PartitionReset> rows = new ArrayList<>();
            for (TopicPartition tp : tps) {
                Long found = atTime.get(tp);
                boolean atEnd = found == null || found < 0;
                OffsetAndMetadata current = committed.get(tp);
                rows.add(new ResetPlan.PartitionReset(tp.topic(), tp.partition(),
                        current == null ? OptionalLong.empty() : OptionalLong.of(current.offset()),
                        atEnd ? end.get(tp) : found, atEnd));
            }
            List<String> internal = spec.deleteInternalTopics() ? internalTopics(admin, app) : List.of();
            String groupType = type == null ? (listing.isEmpty() ? "none yet" : "unknown") : type.toString();

            if (spec.dryRun()) {
                return new ResetPlan(app, groupType, state, spec.toTime(), rows, members, internal, false);
            }
            if (!members.isEmpty()) {
                throw new ActiveMembersException(app, members);
            }
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            rows.forEach(r -> offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.newOffset())));
            // The coordinator refuses to move offsets of a group with members, which closes the race
            // between the check above and this call.
            if (streamsProtocol) {
                KafkaCalls.await(admin.alterStreamsGroupOffsets(app, offsets).all(), "commit offsets for group " + app);
            } else {
                KafkaCalls.await(admin.alterConsumerGroupOffsets(app, offsets).all(), "commit offsets for group " + app);
            }
            if (!internal.isEmpty()) {
                KafkaCalls.await(admin.deleteTopics(internal).all(), "delete internal topics " + internal);
            }
            LOG.info("reset application {} to {}: {} partitions, deleted internal topics {}", app, spec.toTime(),
                    rows.size(), internal);
            return new ResetPlan(app, groupType, state, spec.toTime(), rows, List.of(), internal, true);
        }
    }

    private static List<String> consumerMembers(Admin admin, String app) {
        ConsumerGroupDescription d = KafkaCalls.await(admin.describeConsumerGroups(List.of(app)).describedGroups().get(app),
                "describe group " + app);
        return d.members().stream().map(m -> m.consumerId() + " (" + m.clientId() + " @ " + m.host() + ")").toList();
    }

    private static List<String> streamsMembers(Admin admin, String app) {
        StreamsGroupDescription d = KafkaCalls.await(admin.describeStreamsGroups(List.of(app)).describedGroups().get(app),
                "describe streams group " + app);
        return d.members().stream().map(m -> m.memberId() + " (" + m.clientId() + " @ " + m.clientHost() + ")").toList();
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(Admin admin, String app,
                                                                           List<TopicPartition> tps, boolean streams) {
        Map<TopicPartition, OffsetAndMetadata> all = streams
                ? KafkaCalls.await(admin.listStreamsGroupOffsets(Map.of(app, new ListStreamsGroupOffsetsSpec()))
                        .partitionsToOffsetAndMetadata(app), "list committed offsets of " + app)
                : KafkaCalls.await(admin.listConsumerGroupOffsets(app).partitionsToOffsetAndMetadata(),
                        "list committed offsets of " + app);
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        Set<TopicPartition> wanted = Set.copyOf(tps);
        all.forEach((tp, o) -> {
            if (o != null && wanted.contains(tp)) {
                out.put(tp, o);
            }
        });
        return out;
    }

    private static Map<TopicPartition, Long> listOffsets(Admin admin, List<TopicPartition> tps, OffsetSpec spec,
                                                         String what) {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, spec));
        Map<TopicPartition, ListOffsetsResultInfo> result = KafkaCalls.await(
                admin.listOffsets(query, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all(), what);
        Map<TopicPartition, Long> out = new HashMap<>();
        result.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    /** The application's changelog and repartition topics, by Kafka Streams' naming rule. */
    static List<String> internalTopics(Admin admin, String app) {
        return KafkaCalls.await(admin.listTopics().names(), "list topics").stream()
                .filter(t -> isInternalTopic(app, t)).sorted().toList();
    }

    public static boolean isInternalTopic(String applicationId, String topic) {
        return topic.startsWith(applicationId + "-") && (topic.endsWith("-changelog") || topic.endsWith("-repartition"));
    }
}
