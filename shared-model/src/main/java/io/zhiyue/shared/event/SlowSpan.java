package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;

/**
 * Payload of SLOW_SPAN on the {@code system} channel (platform data): a span of {@code service}'s {@code operation}
 * took {@code durationMs}, over its threshold; {@code suppressed} spans of that operation went over it since the
 * last alert without one of their own (alerts are rate-limited per operation).
 */
@RegisterForReflection
public record SlowSpan(String traceId, String spanId, String service, String operation, double durationMs,
        long thresholdMs, long suppressed, Instant at) {
}
