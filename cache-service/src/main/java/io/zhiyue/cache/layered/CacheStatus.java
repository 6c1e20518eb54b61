package io.zhiyue.cache.layered;

import java.time.Instant;

/** A change of an instance's mode: it went degraded (Redis unusable, with why) or recovered. */
public record CacheStatus(String instance, boolean degraded, String reason, Instant at) {
}
