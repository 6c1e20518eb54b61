package io.zhiyue.streams.consumer;

/**
 * Lua scripts of the group consumer. Each is one atomic step, so an entry never changes hands
 * between a check and the action that depends on it. Redis 6.2 commands only.
 */
final class ConsumerScripts {

    private ConsumerScripts() {
    }

    /**
     * Heartbeat. KEYS: stream, liveness key. ARGV: group, consumer, ttl ms, ids held...
     * Renews the liveness key and resets the idle time of every held entry this consumer still
     * owns (JUSTID: the delivery count stays). Answers the ids it no longer owns.
     */
    static final String HEARTBEAT = """
            redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
            local lost = {}
            for i = 4, #ARGV do
              local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
              if p[1] and p[1][2] == ARGV[2] then
                redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID')
              else
                lost[#lost + 1] = ARGV[i]
              end
            end
            return lost""";

    /**
     * Claims an entry this consumer owns once more, for a retry: the delivery count goes up.
     * KEYS: stream. ARGV: group, consumer, id. Answers nil when another consumer owns it now, else
     * {deliveries, entry or nil if the entry was trimmed}.
     */
    static final String CLAIM_OWN = """
            local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
            if not p[1] or p[1][2] ~= ARGV[2] then return false end
            local claimed = redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3])
            return {p[1][4] + 1, claimed[1] or false}""";

    /**
     * Removes a consumer from the group if it is dead (no liveness key) and holds nothing: a
     * consumer with pending entries is never removed, because that would drop them.
     * KEYS: stream, its liveness key. ARGV: group, consumer. Answers 1 when removed.
     */
    static final String REMOVE_IF_DEAD_AND_EMPTY = """
            if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
            if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return 0 end
            redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
            return 1""";

    /**
     * Leaving on shutdown. KEYS: stream, liveness key. ARGV: group, consumer. Deletes the liveness
     * key, so others take over what is still pending at once, and leaves the group if nothing is.
     */
    static final String LEAVE = """
            redis.call('DEL', KEYS[2])
            if #redis.call('XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2]) > 0 then return 0 end
            redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2])
            return 1""";

    /** Entries after the group's last delivered id, counted up to a cap. KEYS: stream. ARGV: id, cap. */
    static final String LAG = "return #redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', ARGV[2])";
}
