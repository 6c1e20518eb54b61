package io.zhiyue.streams.tail;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.stream.StreamId;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a stream still holds, read by id range (XRANGE with an exclusive start: Redis 6.2).
 * Blocking calls: run them on a worker thread.
 */
@ApplicationScoped
public class StreamHistory {

    private final StreamCommands<String, String, String> streams;

    public StreamHistory(RedisDataSource redis) {
        this.streams = redis.stream(String.class);
    }

    public Optional<StreamId> firstId(String stream) {
        return idOf(streams.xrange(stream, StreamRange.of("-", "+"), 1));
    }

    public Optional<StreamId> lastId(String stream) {
        return idOf(streams.xrevrange(stream, StreamRange.of("+", "-"), 1));
    }

    /** Up to {@code count} entries strictly after {@code after}. */
    public Page pageAfter(String stream, StreamId after, int count) {
        List<StreamMessage<String, String, String>> messages =
                streams.xrange(stream, StreamRange.of("(" + after, "+"), count);
        List<Entry> entries = new ArrayList<>(messages.size());
        StreamId last = after;
        for (StreamMessage<String, String, String> message : messages) {
            last = StreamId.parse(message.id());
            entries.add(new Entry(last, envelopeOrNull(message)));
        }
        return new Page(entries, last, messages.size() < count);
    }

    static Envelope envelopeOrNull(StreamMessage<String, String, String> message) {
        try {
            return Envelope.fromFields(message.payload());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<StreamId> idOf(List<StreamMessage<String, String, String>> messages) {
        return messages.isEmpty() ? Optional.empty() : Optional.of(StreamId.parse(messages.get(0).id()));
    }

    /** One entry; {@code envelope} is null when the entry is not a well-formed envelope. */
    public record Entry(StreamId id, Envelope envelope) {
    }

    /** One XRANGE page: its entries, the last id read, and whether it reached the end. */
    public record Page(List<Entry> entries, StreamId lastRead, boolean exhausted) {
    }
}
