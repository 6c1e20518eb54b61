package io.zhiyue.cache.layered;

import java.time.Instant;

/**
 * How an instance's layers stand now: whether it is degraded (since when, why), whether it hears invalidations
 * (only then does it use its in-process layer), and how many entries that layer holds.
 */
public record CacheState(boolean degraded, String reason, Instant degradedSince, boolean subscribed,
        long localEntries) {
}
