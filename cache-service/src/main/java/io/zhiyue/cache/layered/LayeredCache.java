package io.zhiyue.cache.layered;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.zhiyue.cache.repository.CacheEntryRepository;
import io.zhiyue.cache.repository.CacheEntryRepository.Deletion;
import io.zhiyue.cache.repository.CacheEntryRepository.NewValue;
import io.zhiyue.cache.repository.CacheEntryRepository.StoredEntry;
import io.zhiyue.shared.json.JsonCodec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * A cache of JSON values in three layers: this instance's memory ({@link LocalLayer}), Redis ({@link RedisLayer})
 * and PostgreSQL (the source of truth, {@link CacheEntryRepository}).
 *
 * <p><b>Reads</b> go down the layers, one multi-get per layer for a whole batch, and back-fill the layers above.
 * Concurrent misses of one key share one load. <b>Writes</b> go to PostgreSQL (which numbers them), then to Redis
 * together with an invalidation message on Pub/Sub; a PostgreSQL failure is the caller's and leaves Redis alone; a
 * Redis failure after it leaves the write standing, drops the key wherever it may be stale and makes the cache
 * degraded. Every instance drops its copies on an invalidation and accepts nothing older afterwards.
 *
 * <p><b>Degraded</b>: while Redis fails (a call, the probe every {@code ping-interval}, or the invalidation
 * channel), reads and writes go to PostgreSQL alone, the in-process layer is flushed and unused (it cannot hear
 * invalidations), and changes are recorded in PostgreSQL's backlog. When Redis answers again and the channel is
 * subscribed, the backlog is replayed into Redis, the in-process layer is flushed once more, and the cache leaves
 * degraded mode. Every change of mode goes to the status listener.
 */
public class LayeredCache implements AutoCloseable {

    private record Degradation(String reason, Instant since) {
    }

    private final Vertx vertx;
    private final CacheSettings settings;
    private final CacheEntryRepository repository;
    private final RedisLayer redis;
    private final LocalLayer local;
    private final InvalidationChannel channel;
    private final CacheMetrics metrics;
    private final String instance;
    private final Consumer<CacheStatus> statusListener;
    private final Map<EntryKey, CompletableFuture<Hit>> inFlight = new ConcurrentHashMap<>();
    private final AtomicReference<Degradation> degradation = new AtomicReference<>();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile long probeTimer = -1;
    private volatile boolean closed;

    /**
     * @param instance this instance's name in invalidation messages and status events (unique per process)
     * @param statusListener told when the cache goes degraded and when it recovers
     */
    public LayeredCache(Vertx vertx, CacheSettings settings, CacheEntryRepository repository, RedisLayer redis,
            MeterRegistry registry, String instance, Consumer<CacheStatus> statusListener) {
        this.vertx = vertx;
        this.settings = settings;
        this.repository = repository;
        this.redis = redis;
        this.local = new LocalLayer(settings.localMaxEntries(), settings.localTtl());
        this.channel = redis.channel(settings.invalidationChannel(), this::received, this::channelLost);
        this.metrics = new CacheMetrics(registry, this::degraded, local::size);
        this.instance = instance;
        this.statusListener = statusListener;
    }

    /** Subscribes to invalidations and starts probing Redis; the in-process layer is used once subscribed. */
    public void start() {
        probe();
        probeTimer = vertx.setPeriodic(settings.pingInterval().toMillis(), id -> probe());
    }

    @Override
    public void close() {
        closed = true;
        if (probeTimer >= 0) {
            vertx.cancelTimer(probeTimer);
        }
        channel.close();
        redis.close();
    }

    // ---- reads

    /** The values of the keys that have one, from the fastest layer holding each. */
    public Uni<Lookup> getAll(Collection<EntryKey> requested) {
        return Uni.createFrom().deferred(() -> {
            List<EntryKey> keys = List.copyOf(new LinkedHashSet<>(requested));
            boolean useLocal = localLayerActive();
            Map<EntryKey, Hit> hits = new HashMap<>();
            if (useLocal) {
                long started = System.nanoTime();
                local.getAll(keys).forEach((key, value) -> hits.put(key, new Hit(value, Layer.LOCAL)));
                metrics.load(Layer.LOCAL).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                metrics.looked(Layer.LOCAL, hits.size(), keys.size() - hits.size());
            }
            if (hits.size() == keys.size()) {
                return Uni.createFrom().item(new Lookup(hits, Layer.LOCAL));
            }
            List<EntryKey> missing = keys.stream().filter(key -> !hits.containsKey(key)).toList();
            return loadOnce(missing, useLocal).map(loaded -> {
                hits.putAll(loaded);
                Layer deepest = loaded.size() < missing.size() ? Layer.POSTGRES
                        : loaded.values().stream().map(Hit::source).max(Comparator.naturalOrder()).orElse(Layer.LOCAL);
                return new Lookup(hits, deepest);
            });
        });
    }

    /**
     * Loads the keys below the local layer, sharing loads in flight: a key another caller is loading is waited
     * for, not loaded again. A key whose load ended just now is found in the local layer it back-filled. Every load
     * ends (Redis calls and PostgreSQL statements are bounded), so no waiter waits forever.
     */
    private Uni<Map<EntryKey, Hit>> loadOnce(List<EntryKey> missing, boolean useLocal) {
        Map<EntryKey, CompletableFuture<Hit>> owned = new LinkedHashMap<>();
        List<CompletableFuture<Hit>> awaited = new ArrayList<>(missing.size());
        for (EntryKey key : missing) {
            CompletableFuture<Hit> mine = new CompletableFuture<>();
            CompletableFuture<Hit> running = inFlight.putIfAbsent(key, mine);
            if (running != null) {
                awaited.add(running);
                continue;
            }
            CachedValue landed = useLocal ? local.get(key) : null;
            if (landed != null) {
                inFlight.remove(key, mine);
                mine.complete(new Hit(landed, Layer.LOCAL));
            } else {
                owned.put(key, mine);
            }
            awaited.add(mine);
        }
        if (!owned.isEmpty()) {
            // subscribed apart from this caller: a caller who gives up does not fail the others waiting on it
            loadBelowLocal(List.copyOf(owned.keySet()), useLocal).subscribe().with(
                    found -> owned.forEach((key, future) -> {
                        inFlight.remove(key, future);
                        future.complete(found.get(key));
                    }),
                    failure -> owned.forEach((key, future) -> {
                        inFlight.remove(key, future);
                        future.completeExceptionally(failure);
                    }));
        }
        return Uni.createFrom().completionStage(CompletableFuture.allOf(awaited.toArray(CompletableFuture[]::new)))
                .onFailure(CompletionException.class).transform(Throwable::getCause)
                .map(done -> {
                    Map<EntryKey, Hit> found = new HashMap<>();
                    for (int i = 0; i < missing.size(); i++) {
                        Hit hit = awaited.get(i).join();
                        if (hit != null) {
                            found.put(missing.get(i), hit);
                        }
                    }
                    return found;
                });
    }

    /** Redis (unless degraded), then PostgreSQL for the rest; what is found back-fills the layers above it. */
    private Uni<Map<EntryKey, Hit>> loadBelowLocal(List<EntryKey> keys, boolean useLocal) {
        long generation = local.generation();
        boolean useRedis = !degraded();
        Uni<Map<EntryKey, CachedValue>> fromRedis = !useRedis ? Uni.createFrom().item(Map.of())
                : timed(Layer.REDIS, redis.getAll(keys))
                        .invoke(inRedis -> metrics.looked(Layer.REDIS, inRedis.size(), keys.size() - inRedis.size()))
                        .onFailure(RedisUnavailableException.class).recoverWithItem(failure -> {
                            redisFailed(failure);
                            return Map.of();
                        });
        return fromRedis.chain(inRedis -> {
            Map<EntryKey, Hit> found = new HashMap<>();
            inRedis.forEach((key, value) -> {
                found.put(key, new Hit(value, Layer.REDIS));
                if (useLocal) {
                    local.offer(key, value, generation);
                }
            });
            List<EntryKey> rest = keys.stream().filter(key -> !inRedis.containsKey(key)).toList();
            if (rest.isEmpty()) {
                return Uni.createFrom().item(found);
            }
            return timed(Layer.POSTGRES, repository.find(rest))
                    .invoke(rows -> metrics.looked(Layer.POSTGRES, rows.size(), rest.size() - rows.size()))
                    .call(this::backFillRedis)
                    .map(rows -> {
                        for (StoredEntry row : rows) {
                            found.put(row.key(), new Hit(row.value(), Layer.POSTGRES));
                            if (useLocal) {
                                local.offer(row.key(), row.value(), generation);
                            }
                        }
                        return found;
                    });
        });
    }

    private Uni<Void> backFillRedis(List<StoredEntry> rows) {
        if (rows.isEmpty() || degraded()) {
            return Uni.createFrom().voidItem();
        }
        return redis.write(writes(rows), null, null).replaceWithVoid()
                .onFailure(RedisUnavailableException.class).recoverWithItem(failure -> {
                    redisFailed(failure);
                    return null;
                });
    }

    // ---- writes

    /**
     * Stores the values: PostgreSQL first (a failure there is the caller's, Redis untouched), then Redis with an
     * invalidation message. Answers the entries as stored (with their versions), in the order given.
     */
    public Uni<List<StoredEntry>> put(List<NewValue> values) {
        return Uni.createFrom().deferred(() -> {
            long generation = local.generation();
            if (degraded()) {
                return repository.upsertWithBacklog(values, redis.target()).invoke(stored -> applyHere(invalidations(stored)));
            }
            return repository.upsert(values).call(stored -> writeThrough(stored, generation));
        }).map(stored -> inOrderOf(values, stored));
    }

    private Uni<Void> writeThrough(List<StoredEntry> stored, long generation) {
        List<Invalidation> invalidations = invalidations(stored);
        applyHere(invalidations);
        return redis.write(writes(stored), settings.invalidationChannel(), message(invalidations))
                .invoke(() -> stored.forEach(entry -> local.offer(entry.key(), entry.value(), generation)))
                .replaceWithVoid()
                .onFailure(RedisUnavailableException.class)
                .recoverWithUni(failure -> compensate(invalidations, failure, true));
    }

    /** Deletes the key from every layer and tells every instance; answers the deletion's version. */
    public Uni<Long> invalidate(EntryKey key) {
        return delete(backlogOf -> repository.delete(key, backlogOf), version -> List.of(Invalidation.of(key, version)))
                .map(Deletion::version);
    }

    /**
     * Deletes the keys from every layer and tells every instance, as {@link #invalidate} does for one (one
     * PostgreSQL statement, one Redis call and one message for the batch); answers how many values PostgreSQL held.
     */
    public Uni<Long> invalidateAll(Collection<EntryKey> keys) {
        List<EntryKey> batch = List.copyOf(new LinkedHashSet<>(keys));
        if (batch.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        return delete(backlogOf -> repository.deleteAll(batch, backlogOf),
                version -> batch.stream().map(key -> Invalidation.of(key, version)).toList()).map(Deletion::rows);
    }

    /** Deletes every key of the scope from every layer and tells every instance; answers the deletion's version. */
    public Uni<Long> invalidateScope(ScopeKey scope) {
        return delete(backlogOf -> repository.deleteScope(scope, backlogOf),
                version -> List.of(Invalidation.of(scope, version))).map(Deletion::version);
    }

    private Uni<Deletion> delete(Function<String, Uni<Deletion>> deletion,
            LongFunction<List<Invalidation>> invalidations) {
        return Uni.createFrom().deferred(() -> {
            boolean viaRedis = !degraded();
            return deletion.apply(viaRedis ? null : redis.target()).call(done -> {
                List<Invalidation> items = invalidations.apply(done.version());
                applyHere(items);
                if (!viaRedis) {
                    return Uni.createFrom().voidItem();
                }
                return redis.invalidate(items, settings.invalidationChannel(), message(items))
                        .onFailure(RedisUnavailableException.class)
                        .recoverWithUni(failure -> compensate(items, failure, false));
            });
        });
    }

    /**
     * Redis failed after PostgreSQL took the change: the change stands; the cache goes degraded (which flushes
     * the in-process layer); a write's older Redis value is tombstoned if Redis takes it now, else (and for a
     * deletion) the change goes to the backlog for whichever instance reaches Redis first.
     */
    private Uni<Void> compensate(List<Invalidation> items, Throwable failure, boolean tryTombstones) {
        redisFailed(failure);
        applyHere(items);
        Uni<Boolean> tombstoned = !tryTombstones ? Uni.createFrom().item(false)
                : redis.invalidate(items, settings.invalidationChannel(), message(items)).replaceWith(true)
                        .onFailure().recoverWithItem(false);
        return tombstoned.chain(done -> done ? Uni.createFrom().voidItem() : repository.backlog(redis.target(), items)
                .onFailure().invoke(lost -> Log.errorf("cache: Redis missed %d invalidations and PostgreSQL could "
                        + "not record them (%s); Redis may hold older values until they expire", items.size(),
                        lost.toString()))
                .onFailure().recoverWithNull());
    }

    // ---- warm-up

    /** Writes entries into Redis (never over newer ones), without telling other instances: nothing changed. */
    public Uni<Integer> warm(List<StoredEntry> entries) {
        if (degraded()) {
            return Uni.createFrom().failure(new RedisUnavailableException("the cache is degraded", null));
        }
        return redis.write(writes(entries), null, null)
                .onFailure(RedisUnavailableException.class).invoke(this::redisFailed);
    }

    /** Takes a Redis lock so one instance warms at a time; answers its token, or null when another holds it. */
    public Uni<String> lock(String key, Duration hold) {
        return redis.tryLock(key, hold);
    }

    public Uni<Void> unlock(String key, String token) {
        return redis.unlock(key, token);
    }

    // ---- invalidations received

    private void received(String payload) {
        InvalidationMessage message;
        try {
            message = JsonCodec.read(payload, InvalidationMessage.class);
        } catch (RuntimeException e) {
            Log.warnf("cache: an invalidation message that is not one was ignored: %s", e.getMessage());
            return;
        }
        if (instance.equals(message.origin()) || message.items() == null) {
            return; // this instance applied its own changes as it made them
        }
        for (Invalidation invalidation : message.items()) {
            metrics.invalidation(applyHere(invalidation));
        }
    }

    private void applyHere(List<Invalidation> invalidations) {
        invalidations.forEach(this::applyHere);
    }

    private boolean applyHere(Invalidation invalidation) {
        boolean applied = local.invalidate(invalidation);
        if (applied) {
            // a load that began before the change must not serve callers who came after it
            if (invalidation.wholeScope()) {
                ScopeKey scope = invalidation.scopeKey();
                inFlight.keySet().removeIf(scope::contains);
            } else {
                inFlight.remove(invalidation.entryKey());
            }
        }
        return applied;
    }

    // ---- degradation and recovery

    /** One probe: PING, the channel subscribed, the backlog replayed; success ends a degradation older than it. */
    private void probe() {
        if (closed || !probing.compareAndSet(false, true)) {
            return;
        }
        Degradation atStart = degradation.get();
        redis.ping()
                .chain(this::subscribed)
                .chain(this::replayBacklog)
                .subscribe().with(done -> {
                    probing.set(false);
                    if (atStart != null) {
                        recovered(atStart);
                    }
                }, failure -> {
                    probing.set(false);
                    if (failure instanceof RedisUnavailableException) {
                        redisFailed(failure);
                    } else {
                        Log.warnf("cache: the Redis backlog could not be replayed: %s", failure.toString());
                    }
                });
    }

    private Uni<Void> subscribed() {
        if (channel.subscribed()) {
            return Uni.createFrom().voidItem();
        }
        // messages sent while unsubscribed are lost: nothing held before now may be trusted
        return channel.subscribe().invoke(this::flushLocal);
    }

    private Uni<Void> replayBacklog() {
        return repository.replayBacklog(redis.target(), CacheSettings.BACKLOG_BATCH, items -> {
            applyHere(items);
            return redis.invalidate(items, settings.invalidationChannel(), message(items));
        }).chain(replayed -> {
            metrics.replayed(replayed);
            return replayed == CacheSettings.BACKLOG_BATCH ? replayBacklog() : Uni.createFrom().voidItem();
        });
    }

    private void redisFailed(Throwable failure) {
        metrics.redisFailed();
        String reason = failure.getMessage() != null ? failure.getMessage() : failure.toString();
        Degradation now = new Degradation(reason, Instant.now());
        if (!closed && degradation.compareAndSet(null, now)) {
            flushLocal();
            Log.warnf("cache %s is degraded: Redis is unusable (%s); serving from PostgreSQL", instance, now.reason());
            statusListener.accept(new CacheStatus(instance, true, now.reason(), now.since()));
        }
    }

    private void channelLost() {
        redisFailed(new RedisUnavailableException("the invalidation channel was lost", null));
    }

    private void recovered(Degradation ended) {
        flushLocal();
        if (degradation.compareAndSet(ended, null)) {
            Log.infof("cache %s recovered: Redis answers again (degraded since %s)", instance, ended.since());
            statusListener.accept(new CacheStatus(instance, false, null, Instant.now()));
        }
    }

    // ---- inspection

    /** Drops the in-process layer and retires the reads in flight. */
    public void flushLocal() {
        local.flush();
        inFlight.clear();
    }

    public boolean degraded() {
        return degradation.get() != null;
    }

    /** The in-process layer answers only while this instance hears invalidations and Redis is usable. */
    public boolean localLayerActive() {
        return !degraded() && channel.subscribed();
    }

    public CacheState state() {
        Degradation now = degradation.get();
        return new CacheState(now != null, now == null ? null : now.reason(), now == null ? null : now.since(),
                channel.subscribed(), local.size());
    }

    /** What this instance's in-process layer would answer for the key now (null: nothing). */
    public CachedValue peekLocal(EntryKey key) {
        return local.get(key);
    }

    public CacheMetrics metrics() {
        return metrics;
    }

    public String instance() {
        return instance;
    }

    // ----

    private String message(List<Invalidation> items) {
        return JsonCodec.write(new InvalidationMessage(instance, items));
    }

    private <T> Uni<T> timed(Layer layer, Uni<T> load) {
        return Uni.createFrom().deferred(() -> {
            Timer.Sample sample = Timer.start();
            return load.eventually(() -> sample.stop(metrics.load(layer)));
        });
    }

    private static List<Invalidation> invalidations(List<StoredEntry> stored) {
        return stored.stream().map(entry -> Invalidation.of(entry.key(), entry.value().version())).toList();
    }

    private static List<RedisLayer.Write> writes(List<StoredEntry> entries) {
        return entries.stream().map(entry -> new RedisLayer.Write(entry.key(), entry.value())).toList();
    }

    private static List<StoredEntry> inOrderOf(List<NewValue> values, List<StoredEntry> stored) {
        Map<EntryKey, StoredEntry> byKey = new HashMap<>();
        stored.forEach(entry -> byKey.put(entry.key(), entry));
        return values.stream().map(value -> byKey.get(value.key())).toList();
    }
}
