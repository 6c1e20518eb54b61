package io.zhiyue.gateway.stream;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.zhiyue.shared.stream.Streams;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What zhiyue:events still holds, for clients that resume with lastEventId. Blocking calls:
 * run them on a worker thread. Only Redis 6.2 commands (XRANGE with an exclusive start).
 */
@ApplicationScoped
public class EventsHistory {

    private final StreamCommands<String, String, String> stream;

    EventsHistory(RedisDataSource redis) {
        this.stream = redis.stream(String.class);
    }

    public Optional<StreamId> firstId() {
        return idOf(stream.xrange(Streams.EVENTS, StreamRange.of("-", "+"), 1));
    }

    public Optional<StreamId> lastId() {
        return idOf(stream.xrevrange(Streams.EVENTS, StreamRange.of("+", "-"), 1));
    }

    /** Up to {@code count} entries strictly after {@code after}, of every channel. */
    public Page pageAfter(StreamId after, int count) {
        List<StreamMessage<String, String, String>> entries =
                stream.xrange(Streams.EVENTS, StreamRange.of("(" + after, "+"), count);
        List<LiveEvent> events = new ArrayList<>(entries.size());
        StreamId last = after;
        for (StreamMessage<String, String, String> entry : entries) {
            last = StreamId.parse(entry.id());
            EventEntries.toLiveEvent(entry).ifPresent(events::add);
        }
        return new Page(events, last, entries.size() < count);
    }

    private static Optional<StreamId> idOf(List<StreamMessage<String, String, String>> entries) {
        return entries.isEmpty() ? Optional.empty() : Optional.of(StreamId.parse(entries.get(0).id()));
    }

    /** One XRANGE page: the events that map to a channel, the last id read, and whether it was the end. */
    public record Page(List<LiveEvent> events, StreamId lastRead, boolean exhausted) {
    }
}
