package io.zhiyue.cache.layered;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.RemovalListener;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-process layer of one instance (Caffeine, bounded, entries expire), which never answers a version older
 * than an invalidation it has seen.
 *
 * <p>It remembers the highest invalidation version per key and per scope, and a generation that a flush moves
 * on. A back-fill is stored only if its read began in the current generation and its version is not older than
 * what was invalidated; the check runs under the key's lock, as does an invalidation of the key. A read checks
 * again, so an entry that slipped in during a scope invalidation or a flush is never answered. The memory of
 * invalidations outlives any entry stored before it (local TTL plus a minute); if it has to forget one early
 * (size), the generation moves on, which retires every entry and every read in flight.
 */
public final class LocalLayer {

    private record Entry(CachedValue value, long generation) {
    }

    private static final Duration READ_MARGIN = Duration.ofMinutes(1);
    private static final long MAX_SCOPES = 10_000;

    private final AtomicLong generation = new AtomicLong();
    private final Cache<EntryKey, Entry> entries;
    private final Cache<EntryKey, Long> invalidatedKeys;
    private final Cache<ScopeKey, Long> invalidatedScopes;

    public LocalLayer(long maxEntries, Duration ttl) {
        this.entries = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
        Duration memory = ttl.plus(READ_MARGIN);
        this.invalidatedKeys = Caffeine.newBuilder().maximumSize(Math.max(maxEntries, 1_000)).expireAfterWrite(memory)
                .evictionListener(forgetting()).build();
        this.invalidatedScopes = Caffeine.newBuilder().maximumSize(MAX_SCOPES).expireAfterWrite(memory)
                .evictionListener(forgetting()).build();
    }

    /** Captured when a read or write begins; its back-fill is stored only if no flush happened since. */
    public long generation() {
        return generation.get();
    }

    public CachedValue get(EntryKey key) {
        Entry entry = entries.getIfPresent(key);
        if (entry == null) {
            return null;
        }
        if (!current(key, entry)) {
            entries.asMap().remove(key, entry);
            return null;
        }
        return entry.value();
    }

    /** One Caffeine multi-get; entries that an invalidation or flush overtook are left out (and dropped). */
    public Map<EntryKey, CachedValue> getAll(Collection<EntryKey> keys) {
        Map<EntryKey, Entry> present = entries.getAllPresent(keys);
        Map<EntryKey, CachedValue> found = new HashMap<>(present.size() * 2);
        present.forEach((key, entry) -> {
            if (current(key, entry)) {
                found.put(key, entry.value());
            } else {
                entries.asMap().remove(key, entry);
            }
        });
        return found;
    }

    /**
     * Stores a value read from a lower layer (or just written) unless a flush happened since {@code readGeneration},
     * an invalidation newer than it was seen, or a newer version is already held. Answers whether it was stored.
     */
    public boolean offer(EntryKey key, CachedValue value, long readGeneration) {
        boolean[] stored = {false};
        entries.asMap().compute(key, (k, held) -> {
            if (generation.get() != readGeneration || value.version() < floor(k)) {
                return held;
            }
            if (held != null && held.generation() == readGeneration && held.value().version() >= value.version()) {
                return held;
            }
            stored[0] = true;
            return new Entry(value, readGeneration);
        });
        return stored[0];
    }

    /**
     * Applies an invalidation: drops what it makes stale and remembers its version. Answers false, changing
     * nothing, when an invalidation at least as new was already seen for the key or scope.
     */
    public boolean invalidate(Invalidation invalidation) {
        return invalidation.wholeScope() ? invalidateScope(invalidation.scopeKey(), invalidation.version())
                : invalidateKey(invalidation.entryKey(), invalidation.version());
    }

    /** Drops every entry and retires reads in flight (their back-fills are refused). */
    public void flush() {
        generation.incrementAndGet();
        entries.invalidateAll();
    }

    public long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    private boolean invalidateKey(EntryKey key, long version) {
        boolean[] applied = {false};
        entries.asMap().compute(key, (k, held) -> {
            Long seen = invalidatedKeys.getIfPresent(k);
            if (seen != null && seen >= version) {
                return held;
            }
            invalidatedKeys.put(k, version);
            applied[0] = true;
            return held != null && held.value().version() >= version ? held : null;
        });
        return applied[0];
    }

    private boolean invalidateScope(ScopeKey scope, long version) {
        boolean[] applied = {false};
        invalidatedScopes.asMap().compute(scope, (s, seen) -> {
            if (seen != null && seen >= version) {
                return seen;
            }
            applied[0] = true;
            return version;
        });
        if (applied[0]) {
            entries.asMap().entrySet().removeIf(e -> scope.contains(e.getKey()) && e.getValue().value().version() < version);
        }
        return applied[0];
    }

    /** The lowest version still valid for the key: the newest invalidation seen for it or its scope. */
    private long floor(EntryKey key) {
        Long byKey = invalidatedKeys.getIfPresent(key);
        Long byScope = invalidatedScopes.getIfPresent(key.scopeKey());
        return Math.max(byKey == null ? Long.MIN_VALUE : byKey, byScope == null ? Long.MIN_VALUE : byScope);
    }

    private boolean current(EntryKey key, Entry entry) {
        return entry.generation() == generation.get() && entry.value().version() >= floor(key);
    }

    /** Forgetting an invalidation early (size) must not let an older value back in: retire everything instead. */
    private <K> RemovalListener<K, Long> forgetting() {
        return (key, version, cause) -> {
            if (cause == RemovalCause.SIZE) {
                generation.incrementAndGet();
            }
        };
    }
}
