package io.zhiyue.gateway.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.stream.ChannelHistory;
import io.zhiyue.shared.stream.StreamId;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.config.StreamsConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one channel's history (see {@link ChannelHistory}) a page at a time, without blocking a thread and
 * without touching other channels. Each page comes with a verdict: whether it continues exactly where
 * the reader stands, or events in between are gone (trimmed, expired, or the id is beyond the stream's end).
 */
@ApplicationScoped
public class ChannelHistoryReader {

    /**
     * KEYS: the channel's history, zhiyue:events. ARGV: the id read up to (exclusive start), page size.
     * Answers {entries, the history's last-generated id or false when it does not exist, zhiyue:events'
     * last id or false, Redis time in milliseconds}.
     */
    static final String PAGE = ChannelHistory.LAST_GENERATED + """
            local entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])
            local history = false
            if redis.call('EXISTS', KEYS[1]) == 1 then history = lastGenerated(KEYS[1]) end
            local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
            local now = redis.call('TIME')
            return {entries, history, last[1] and last[1][1] or false, tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)}""";

    private final ReactiveRedisDataSource redis;
    private final long ttlMillis;

    ChannelHistoryReader(ReactiveRedisDataSource redis, StreamsConfig config) {
        this.redis = redis;
        this.ttlMillis = config.channelHistory().ttl().toMillis();
    }

    /** Up to {@code count} events of {@code channel} strictly after {@code after}. */
    public Uni<Page> pageAfter(String tenant, String channel, StreamId after, int count) {
        return redis.execute("EVAL", PAGE, "2", ChannelHistory.key(tenant, channel), Streams.EVENTS, after.toString(),
                Integer.toString(count)).map(reply -> page(reply, tenant, channel, after, count));
    }

    private Page page(Response reply, String tenant, String channel, StreamId after, int count) {
        Response rows = reply.get(0);
        Response historyEnd = reply.get(1);
        Response streamEnd = reply.get(2);
        long nowMillis = reply.get(3).toLong();
        if (streamEnd == null || after.isAfter(StreamId.parse(streamEnd.toString()))) {
            return Page.GAP;
        }
        List<LiveEvent> events = new ArrayList<>(rows.size());
        List<String> keys = new ArrayList<>(rows.size());
        StreamId firstPrev = null;
        StreamId lastRead = after;
        for (Response row : rows) {
            StreamId id = StreamId.parse(row.get(0).toString());
            lastRead = id;
            Map<String, String> fields = fields(row.get(1));
            if (firstPrev == null) {
                firstPrev = StreamId.parse(fields.getOrDefault(ChannelHistory.PREV, "0-0"));
            }
            Envelope envelope;
            try {
                envelope = Envelope.fromFields(fields);
            } catch (IllegalArgumentException e) {
                continue; // not an envelope: nothing a client could be shown
            }
            events.add(LiveEvent.of(id, envelope.type(), tenant, channel, envelope.payload()));
            keys.add(envelope.key());
        }
        if (firstPrev != null) {
            // the entry before the first one returned lies after where the reader stands: that one is gone
            return firstPrev.isAfter(after) ? Page.GAP : new Page(false, events, keys, lastRead, rows.size() < count);
        }
        // nothing after `after`: the channel is quiet, unless its history was emptied past `after`, or it
        // expired and `after` predates the expiry
        boolean lost = historyEnd != null ? StreamId.parse(historyEnd.toString()).isAfter(after)
                : after.millis() < nowMillis - ttlMillis;
        return lost ? Page.GAP : new Page(false, List.of(), List.of(), after, true);
    }

    private static Map<String, String> fields(Response flat) {
        Map<String, String> fields = new HashMap<>(flat.size());
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put(flat.get(i).toString(), flat.get(i + 1).toString());
        }
        return fields;
    }

    /**
     * One page: {@code gap} when events between the reader's position and this page are gone (nothing
     * else is then meaningful); else the events in id order with their envelope keys (for dedupe), the
     * last id read, and whether this was the end of the history.
     */
    public record Page(boolean gap, List<LiveEvent> events, List<String> keys, StreamId lastRead, boolean exhausted) {

        static final Page GAP = new Page(true, List.of(), List.of(), null, true);
    }
}
