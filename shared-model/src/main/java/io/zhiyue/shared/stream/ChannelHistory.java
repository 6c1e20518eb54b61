package io.zhiyue.shared.stream;

import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.LiveChannels;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Per-channel history of the live channel, kept next to zhiyue:events so a resume reads only its own
 * channel. One Lua script appends an event to zhiyue:events and to the history stream of every channel
 * it belongs to, atomically and with the same id, so event ids stay the stream ids of zhiyue:events.
 * <p>
 * Each history entry carries {@code prev}, the id of the channel's entry before it (the history's
 * last-generated id, so it holds even when trimming emptied the history). A reader that finds {@code prev}
 * newer than where it stands knows entries were trimmed in between (a gap, never silent).
 * A history key that expired (no event for its TTL) restarts with {@code prev} = now − TTL: no event of
 * the channel exists between that instant and the new one, and nothing is claimed about before it.
 * Redis 6.2 commands only; TIME and XADD * are fine in scripts (effects replication).
 */
public final class ChannelHistory {

    /** Field of a history entry holding the id of the channel's previous entry. */
    public static final String PREV = "prev";
    private static final String PREFIX = Streams.EVENTS + ":history:";

    /**
     * The id last added to a stream, even when trimming has removed it (XINFO STREAM's last-generated-id);
     * a Lua function both scripts share.
     */
    public static final String LAST_GENERATED = """
            local function lastGenerated(key)
              local info = redis.call('XINFO', 'STREAM', key)
              for j = 1, #info, 2 do
                if info[j] == 'last-generated-id' then return info[j + 1] end
              end
              return '0-0'
            end
            """;

    /**
     * KEYS: zhiyue:events, then the channels' history keys. ARGV: events MAXLEN, history MAXLEN, history TTL
     * in seconds, then the envelope's fields and values. Answers the new id.
     */
    public static final String APPEND = LAST_GENERATED + """
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 4))
            if #KEYS > 1 then
              local now = redis.call('TIME')
              local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
              local floor = string.format('%.0f', math.max(nowMs - tonumber(ARGV[3]) * 1000, 0)) .. '-0'
              for i = 2, #KEYS do
                local prev = floor
                if redis.call('EXISTS', KEYS[i]) == 1 then prev = lastGenerated(KEYS[i]) end
                redis.call('XADD', KEYS[i], 'MAXLEN', '~', ARGV[2], id, 'prev', prev, unpack(ARGV, 4))
                redis.call('EXPIRE', KEYS[i], ARGV[3])
              end
            end
            return id""";

    private ChannelHistory() {
    }

    /** The history stream of {@code channel} within {@code tenant} (the tenant's wall holds here too). */
    public static String key(String tenant, String channel) {
        return PREFIX + tenant + ":" + channel;
    }

    /**
     * The arguments of {@code EVAL APPEND} after the script itself: numkeys, keys, argv. An envelope of no
     * channel is appended to zhiyue:events alone.
     */
    public static List<String> appendArguments(Envelope envelope, long eventsMaxLength, long historyMaxLength,
            long historyTtlSeconds) {
        List<String> channels = LiveChannels.of(envelope.type(), envelope.payload());
        Map<String, String> fields = envelope.toFields();
        List<String> args = new ArrayList<>(5 + channels.size() + 2 * fields.size());
        args.add(Integer.toString(1 + channels.size()));
        args.add(Streams.EVENTS);
        for (String channel : channels) {
            args.add(key(envelope.tenantId(), channel));
        }
        args.add(Long.toString(eventsMaxLength));
        args.add(Long.toString(historyMaxLength));
        args.add(Long.toString(historyTtlSeconds));
        fields.forEach((field, value) -> {
            args.add(field);
            args.add(value);
        });
        return args;
    }
}
