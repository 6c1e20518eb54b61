package io.zhiyue.cache.layered;

import io.zhiyue.cache.config.CacheConfig;

import java.time.Duration;

/**
 * The settings of one layered cache instance, taken from {@link CacheConfig}; a test builds a second instance
 * with shorter Redis timings.
 */
public record CacheSettings(long localMaxEntries, Duration localTtl, Duration redisTtl, Duration tombstoneTtl,
        Duration redisTimeout, Duration pingInterval, String invalidationChannel, int redisPoolSize) {

    /** Backlog rows replayed into Redis per transaction. */
    public static final int BACKLOG_BATCH = 500;

    public static CacheSettings from(CacheConfig config) {
        return new CacheSettings(config.local().maxEntries(), config.local().ttl(), config.redis().ttl(),
                config.redis().tombstoneTtl(), config.redis().timeout(), config.redis().pingInterval(),
                config.redis().invalidationChannel(), config.redis().poolSize());
    }

    public CacheSettings withRedisTimings(Duration timeout, Duration pingInterval) {
        return new CacheSettings(localMaxEntries, localTtl, redisTtl, tombstoneTtl, timeout, pingInterval,
                invalidationChannel, redisPoolSize);
    }
}
