package io.zhiyue.shared.stream;

/**
 * A Redis stream entry id {@code <millis>-<sequence>}. Ordered numerically, which is the order
 * Redis appends in, so it doubles as the live channel's event id.
 */
public record StreamId(long millis, long sequence) implements Comparable<StreamId> {

    public StreamId {
        if (millis < 0 || sequence < 0) {
            throw new IllegalArgumentException("stream id parts must not be negative");
        }
    }

    /** @throws IllegalArgumentException unless {@code text} is a complete id like {@code 1732312312312-0} */
    public static StreamId parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("stream id is missing");
        }
        int dash = text.indexOf('-');
        if (dash <= 0 || dash == text.length() - 1 || text.length() > 41) {
            throw new IllegalArgumentException("not a stream id: " + text);
        }
        try {
            return new StreamId(Long.parseUnsignedLong(text.substring(0, dash)),
                    Long.parseUnsignedLong(text.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a stream id: " + text, e);
        }
    }

    public boolean isAfter(StreamId other) {
        return other == null || compareTo(other) > 0;
    }

    @Override
    public int compareTo(StreamId other) {
        int byMillis = Long.compareUnsigned(millis, other.millis);
        return byMillis != 0 ? byMillis : Long.compareUnsigned(sequence, other.sequence);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(millis) + "-" + Long.toUnsignedString(sequence);
    }
}
