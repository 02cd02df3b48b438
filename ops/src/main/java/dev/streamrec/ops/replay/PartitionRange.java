package dev.streamrec.ops.replay;

import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine;

/**
 * Offsets of one partition to replay, both ends inclusive: {@code 0:100-200} is offsets 100 to 200
 * of partition 0; {@code 0:100-} runs to the end offset captured when the replay starts.
 */
public record PartitionRange(int partition, long fromOffset, OptionalLong toOffset) {

    private static final Pattern SYNTAX = Pattern.compile("(\\d+):(\\d+)-(\\d*)");

    public PartitionRange {
        if (partition < 0 || fromOffset < 0) {
            throw new IllegalArgumentException("partition and offsets must not be negative");
        }
        if (toOffset.isPresent() && toOffset.getAsLong() < fromOffset) {
            throw new IllegalArgumentException("partition range " + partition + ":" + fromOffset + "-"
                    + toOffset.getAsLong() + " ends before it starts");
        }
    }

    public static PartitionRange of(int partition, long fromOffset, long toOffsetInclusive) {
        return new PartitionRange(partition, fromOffset, OptionalLong.of(toOffsetInclusive));
    }

    /** Parses {@code PARTITION:FROM-TO} or {@code PARTITION:FROM-}. */
    public static PartitionRange parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("bad partition range '" + text
                    + "': expected PARTITION:FROM-TO (inclusive, e.g. 0:100-200) or PARTITION:FROM- (to the end)");
        }
        try {
            return new PartitionRange(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)),
                    m.group(3).isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(3))));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad partition range '" + text + "': number too large");
        }
    }

    /** The end as an exclusive offset, or {@code Long.MAX_VALUE} when open. */
    public long endExclusive() {
        return toOffset.isPresent() ? toOffset.getAsLong() + 1 : Long.MAX_VALUE;
    }

    @Override
    public String toString() {
        return partition + ":" + fromOffset + "-" + (toOffset.isPresent() ? toOffset.getAsLong() : "");
    }

    /** picocli converter. */
    public static final class Converter implements CommandLine.ITypeConverter<PartitionRange> {
        @Override
        public PartitionRange convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
