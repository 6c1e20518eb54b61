package io.zhiyue.cache.layered;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.redis.client.RedisOptions;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The Redis layer: values as strings with a TTL, read with one MGET per batch, and changed only through two Lua
 * scripts (Redis 6.2) that keep versions in order, so a late write or back-fill can never replace a newer value
 * or bring back a deleted one. Every call is bounded by {@code redis.timeout}; any failure is a
 * {@link RedisUnavailableException}.
 */
public class RedisLayer implements AutoCloseable {

    /**
     * Stores the values that are newer than what Redis holds for them (a value: strictly newer; a tombstone: at
     * least as new) and not older than their scope's floor, adds them to their scope's member set, and publishes
     * ARGV[3] on channel ARGV[2] unless that is empty. KEYS, per value: its key, the member set, the floor.
     * ARGV: ttl in ms, channel, message, then per value its version and JSON. Answers how many were stored.
     */
    private static final String WRITE = """
            local ttl = ARGV[1]
            local stored = 0
            for i = 1, #KEYS, 3 do
              local entry, members, floor = KEYS[i], KEYS[i + 1], KEYS[i + 2]
              local n = 4 + (i - 1) / 3 * 2
              local version, json = ARGV[n], ARGV[n + 1]
              local v = tonumber(version)
              local ok = v >= tonumber(redis.call('GET', floor) or '0')
              if ok then
                local held = redis.call('GET', entry)
                if held then
                  local sep = string.find(held, ':', 1, true)
                  local hv = tonumber(string.sub(held, 1, sep - 1))
                  if sep == #held then ok = v >= hv else ok = v > hv end
                end
              end
              if ok then
                redis.call('SET', entry, version .. ':' .. json, 'PX', ttl)
                redis.call('SADD', members, entry)
                redis.call('PEXPIRE', members, ttl)
                stored = stored + 1
              end
            end
            if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
            return stored""";

    /**
     * Applies invalidations. A key: a tombstone at the version unless Redis holds that version or a newer one.
     * A scope: its floor at the version, and every value key of its member set deleted. Then publishes ARGV[3]
     * on channel ARGV[2] unless that is empty. KEYS, per invalidation: the value key (for a scope, the member
     * set again), the member set, the floor. ARGV: tombstone ttl in ms, channel, message, then per invalidation
     * its kind ({@code key} or {@code scope}) and version.
     */
    private static final String INVALIDATE = """
            local ttl = ARGV[1]
            for i = 1, #KEYS, 3 do
              local entry, members, floor = KEYS[i], KEYS[i + 1], KEYS[i + 2]
              local n = 4 + (i - 1) / 3 * 2
              local kind, version = ARGV[n], ARGV[n + 1]
              local v = tonumber(version)
              if kind == 'key' then
                local held = redis.call('GET', entry)
                local hv = held and tonumber(string.sub(held, 1, string.find(held, ':', 1, true) - 1))
                if not hv or hv < v then
                  redis.call('SET', entry, version .. ':', 'PX', ttl)
                  redis.call('SREM', members, entry)
                end
              else
                local f = redis.call('GET', floor)
                if not f or tonumber(f) < v then
                  redis.call('SET', floor, version, 'PX', ttl)
                end
                local keys = redis.call('SMEMBERS', members)
                for j = 1, #keys, 500 do
                  redis.call('DEL', unpack(keys, j, math.min(j + 499, #keys)))
                end
                redis.call('DEL', members)
              end
            end
            if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
            return 1""";

    private static final String UNLOCK = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";

    private static final Map<String, String> SHA1 = new HashMap<>();

    static {
        for (String script : List.of(WRITE, INVALIDATE, UNLOCK)) {
            SHA1.put(script, sha1(script));
        }
    }

    /** A value to store under a key. */
    public record Write(EntryKey key, CachedValue value) {
    }

    private final Vertx vertx;
    private final String url;
    private final String target;
    private final Redis commands;
    private final Duration timeout;
    private final Duration ttl;
    private final Duration tombstoneTtl;

    public RedisLayer(Vertx vertx, String url, CacheSettings settings) {
        this.vertx = vertx;
        this.url = url;
        this.target = withoutCredentials(url);
        this.timeout = settings.redisTimeout();
        this.ttl = settings.redisTtl();
        this.tombstoneTtl = settings.tombstoneTtl();
        RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(settings.redisPoolSize())
                .setMaxPoolWaiting(1024).setMaxWaitingHandlers(4096);
        options.getNetClientOptions().setConnectTimeout((int) Math.max(100, timeout.toMillis()));
        this.commands = Redis.createClient(vertx, options);
    }

    /** One MGET; tombstones and missing keys are left out. */
    public Uni<Map<EntryKey, CachedValue>> getAll(List<EntryKey> keys) {
        Request mget = Request.cmd(Command.MGET);
        for (EntryKey key : keys) {
            mget.arg(RedisKeys.entry(key));
        }
        return bounded("MGET", commands.send(mget)).map(response -> {
            Map<EntryKey, CachedValue> found = new HashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                Response item = response.get(i);
                CachedValue value = item == null ? null : parse(item.toString());
                if (value != null) {
                    found.put(keys.get(i), value);
                }
            }
            return found;
        });
    }

    /**
     * Stores values that are newer than what Redis holds (see the script), and publishes {@code message} on
     * {@code channel} in the same step when both are given. Answers how many were stored.
     */
    public Uni<Integer> write(List<Write> writes, String channel, String message) {
        Request eval = script(WRITE, writes.size() * 3);
        for (Write write : writes) {
            ScopeKey scope = write.key().scopeKey();
            eval.arg(RedisKeys.entry(write.key())).arg(RedisKeys.members(scope)).arg(RedisKeys.floor(scope));
        }
        eval.arg(ttl.toMillis()).arg(channel == null ? "" : channel).arg(message == null ? "" : message);
        for (Write write : writes) {
            eval.arg(write.value().version()).arg(write.value().json());
        }
        return evaluate(WRITE, eval).map(Response::toInteger);
    }

    /** Tombstones for keys, floors for scopes, then {@code message} on {@code channel} (see the script). */
    public Uni<Void> invalidate(List<Invalidation> invalidations, String channel, String message) {
        Request eval = script(INVALIDATE, invalidations.size() * 3);
        for (Invalidation invalidation : invalidations) {
            ScopeKey scope = invalidation.scopeKey();
            String members = RedisKeys.members(scope);
            eval.arg(invalidation.wholeScope() ? members : RedisKeys.entry(invalidation.entryKey())).arg(members)
                    .arg(RedisKeys.floor(scope));
        }
        eval.arg(tombstoneTtl.toMillis()).arg(channel == null ? "" : channel).arg(message == null ? "" : message);
        for (Invalidation invalidation : invalidations) {
            eval.arg(invalidation.wholeScope() ? "scope" : "key").arg(invalidation.version());
        }
        return evaluate(INVALIDATE, eval).replaceWithVoid();
    }

    /** Which Redis this is, for the backlog: its address without credentials. */
    public String target() {
        return target;
    }

    public Uni<Void> ping() {
        return bounded("PING", commands.send(Request.cmd(Command.PING))).replaceWithVoid();
    }

    /** Takes a lock for {@code hold} unless another holder has it; answers the token that releases it, or null. */
    public Uni<String> tryLock(String key, Duration hold) {
        String token = UUID.randomUUID().toString();
        Request set = Request.cmd(Command.SET).arg(key).arg(token).arg("NX").arg("PX").arg(hold.toMillis());
        return bounded("SET NX", commands.send(set)).map(response -> response == null ? null : token);
    }

    public Uni<Void> unlock(String key, String token) {
        Request eval = script(UNLOCK, 1).arg(key).arg(token);
        return evaluate(UNLOCK, eval).replaceWithVoid();
    }

    /** A dedicated connection for the invalidation channel, to the same server. */
    InvalidationChannel channel(String channel, Consumer<String> onMessage, Runnable onLost) {
        return new InvalidationChannel(vertx, url, channel, timeout, onMessage, onLost);
    }

    @Override
    public void close() {
        commands.close();
    }

    /** {@code <version>:<json>} is a value; {@code <version>:} a tombstone (answered as absent). */
    static CachedValue parse(String stored) {
        int colon = stored.indexOf(':');
        if (colon <= 0 || colon == stored.length() - 1) {
            return null;
        }
        try {
            return new CachedValue(stored.substring(colon + 1), Long.parseLong(stored, 0, colon, 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String withoutCredentials(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + ":" + (uri.getPort() > 0 ? uri.getPort() : 6379)
                + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "" : uri.getRawPath());
    }

    private static Request script(String script, int keys) {
        return Request.cmd(Command.EVALSHA).arg(SHA1.get(script)).arg(keys);
    }

    /** EVALSHA, and EVAL when the server does not know the script yet (first use, or after a restart). */
    private Uni<Response> evaluate(String script, Request evalsha) {
        return bounded("EVALSHA", commands.send(evalsha)).onFailure(RedisLayer::unknownScript).recoverWithUni(
                () -> bounded("SCRIPT LOAD", commands.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(script)))
                        .chain(() -> bounded("EVALSHA", commands.send(evalsha))));
    }

    private static boolean unknownScript(Throwable failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return cause.getMessage() != null && cause.getMessage().startsWith("NOSCRIPT");
    }

    private <T> Uni<T> bounded(String what, Uni<T> call) {
        return call.ifNoItem().after(timeout).failWith(() -> new RedisUnavailableException(
                        what + " got no answer within " + timeout.toMillis() + " ms", null))
                .onFailure(failure -> !(failure instanceof RedisUnavailableException))
                .transform(failure -> new RedisUnavailableException(what + " failed: " + failure.getMessage(), failure));
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by the JDK", e);
        }
    }
}
