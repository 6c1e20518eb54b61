package io.zhiyue.cache.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.math.BigDecimal;
import java.time.Duration;

/** How the layers behave and what the result cache accepts; every value has a local default and an env override. */
@ConfigMapping(prefix = "zhiyue.cache")
public interface CacheConfig {

    Local local();

    Redis redis();

    Results results();

    WarmUp warmUp();

    /** The in-process layer (Caffeine) of each instance. */
    interface Local {

        /** Entries held per instance; the least valuable go first. */
        @WithDefault("100000")
        long maxEntries();

        /** An entry is dropped this long after it was stored, whatever else happens. */
        @WithDefault("5m")
        Duration ttl();
    }

    interface Redis {

        /** Lifetime of a value in Redis; every write and back-fill renews it. */
        @WithDefault("24h")
        Duration ttl();

        /**
         * Lifetime of a tombstone (a deletion or a newer version, by number): longer than any read takes, so a
         * read that began before the change cannot put the old value back.
         */
        @WithDefault("60s")
        Duration tombstoneTtl();

        /** A Redis call without an answer in this time counts as a failure: the cache goes degraded. */
        @WithDefault("500ms")
        Duration timeout();

        /** How often Redis is probed (PING), to notice an outage and its end. */
        @WithDefault("1s")
        Duration pingInterval();

        /** The Pub/Sub channel of invalidations, shared by every instance. */
        @WithDefault("zhiyue:cache:invalidations")
        String invalidationChannel();

        /** Connections for commands; the invalidation channel has its own. */
        @WithDefault("8")
        int poolSize();
    }

    interface Results {

        /** Entries one lookup or put may carry. */
        @WithDefault("1000")
        int maxEntries();

        /** The largest value (as JSON) one entry may hold; larger is a 413. */
        @WithDefault("262144")
        int maxValueBytes();
    }

    interface WarmUp {

        @WithDefault("true")
        boolean enabled();

        /** Results updated within this time are warmed. */
        @WithDefault("P7D")
        Duration maxAge();

        /** Only results whose value has a numeric {@code confidence} at least this high are warmed. */
        @WithDefault("0.9")
        BigDecimal minConfidence();

        /** Entries read from PostgreSQL and written to Redis per step. */
        @WithDefault("500")
        int pageSize();
    }
}
