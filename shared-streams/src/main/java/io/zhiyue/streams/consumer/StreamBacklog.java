package io.zhiyue.streams.consumer;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Which entries a consumer group will still process: those not yet delivered to it and those
 * delivered but not acknowledged. An entry outside both (trimmed, lost with a Redis that restarted
 * without persistence, acknowledged without its work being done) has to be published again.
 */
@ApplicationScoped
public class StreamBacklog {

    /**
     * Lua both scripts start with: an XINFO reply's fields, the id a group was last handed (nil without the stream
     * or the group), and an id as two numbers, milliseconds then sequence (both exact in Lua's doubles).
     */
    private static final String HELPERS = """
            local function fieldsOf(info)
              local fields = {}
              for i = 1, #info, 2 do fields[info[i]] = info[i + 1] end
              return fields
            end
            local function lastDelivered(stream, group)
              if redis.call('EXISTS', stream) == 0 then return nil end
              for _, info in ipairs(redis.call('XINFO', 'GROUPS', stream)) do
                local fields = fieldsOf(info)
                if fields['name'] == group then return fields['last-delivered-id'] end
              end
              return nil
            end
            local function parts(id)
              local dash = string.find(id, '-', 1, true)
              return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
            end
            """;
    /**
     * KEYS: stream. ARGV: group, ids... Answers the ids still ahead of the group or pending in it. A stream that is
     * gone (a Redis that lost it) holds nothing.
     */
    private static final String STILL_QUEUED = HELPERS + """
            local last = lastDelivered(KEYS[1], ARGV[1])
            if not last then return {} end
            local lastMs, lastSeq = parts(last)
            local queued = {}
            for i = 2, #ARGV do
              local id = ARGV[i]
              local ms, seq = parts(id)
              local ahead = ms > lastMs or (ms == lastMs and seq > lastSeq)
              if ahead then
                if #redis.call('XRANGE', KEYS[1], id, id) > 0 then queued[#queued + 1] = id end
              elseif #redis.call('XPENDING', KEYS[1], ARGV[1], id, id, 1) > 0 then
                queued[#queued + 1] = id
              end
            end
            return queued""";
    /**
     * KEYS: stream. ARGV: group, the liveness key of its consumers without the name. The milliseconds part of the
     * last id handed to the group while one of its consumers is alive (its liveness key exists); -1 without a live
     * consumer, the group or the stream. (The liveness keys are not declared: one Redis, not a cluster.)
     */
    private static final String HANDED_OUT_TO_A_LIVE_GROUP = HELPERS + """
            local last = lastDelivered(KEYS[1], ARGV[1])
            if not last then return -1 end
            for _, info in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
              if redis.call('EXISTS', ARGV[2] .. fieldsOf(info)['name']) == 1 then
                local ms = parts(last)
                return ms
              end
            end
            return -1""";
    private static final int CHUNK = 500;

    private final ReactiveRedisDataSource redis;

    public StreamBacklog(ReactiveRedisDataSource redis) {
        this.redis = redis;
    }

    /** The ones among {@code entryIds} that {@code group} will still be handed (or holds now). */
    public Uni<Set<String>> stillQueued(String stream, String group, Collection<String> entryIds) {
        List<String> ids = new ArrayList<>(entryIds);
        Uni<Set<String>> result = Uni.createFrom().item(new HashSet<>());
        for (int from = 0; from < ids.size(); from += CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            result = result.chain(queued -> ask(stream, group, chunk).map(more -> {
                queued.addAll(more);
                return queued;
            }));
        }
        return result;
    }

    /**
     * Up to when (epoch milliseconds of the last entry id handed out) a live consumer of {@code group} has been
     * handed entries of {@code stream}: an entry added later than that is still waiting for it. Empty when no
     * consumer of the group is alive (a frozen or dead consumer's liveness key lapses), or there is no such group.
     */
    public Uni<OptionalLong> handedOutToALiveConsumer(String stream, String group) {
        return redis.execute("EVAL", HANDED_OUT_TO_A_LIVE_GROUP, "1", stream, group,
                        GroupConsumer.livenessKey(stream, group, ""))
                .map(reply -> reply == null || reply.toLong() < 0 ? OptionalLong.empty()
                        : OptionalLong.of(reply.toLong()));
    }

    private Uni<Set<String>> ask(String stream, String group, List<String> ids) {
        List<String> args = new ArrayList<>(List.of(STILL_QUEUED, "1", stream, group));
        args.addAll(ids);
        return redis.execute("EVAL", args.toArray(new String[0])).map(reply -> {
            Set<String> queued = new HashSet<>();
            for (int i = 0; reply != null && i < reply.size(); i++) {
                Response id = reply.get(i);
                queued.add(id.toString());
            }
            return queued;
        });
    }
}
