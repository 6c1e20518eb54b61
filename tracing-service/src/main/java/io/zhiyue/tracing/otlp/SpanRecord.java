package io.zhiyue.tracing.otlp;

/**
 * One span as it is stored: ids in lowercase hex ({@code parentSpanId} null for a root), the service from its
 * resource's {@code service.name}, times in Unix nanoseconds, status UNSET|OK|ERROR, the tenant when the span or
 * its resource names one ({@code zhiyue.tenant} or {@code tenant.id}), attributes, events, links and resource as
 * JSON text.
 */
public record SpanRecord(String traceId, String spanId, String parentSpanId, String service, String name, String kind,
        long startNanos, long endNanos, String statusCode, String statusMessage, String tenant, String attributes,
        String events, String links, String resource, String scope) {

    public long durationMicros() {
        return Math.max(0, endNanos - startNanos) / 1_000;
    }

    public double durationMillis() {
        return Math.max(0, endNanos - startNanos) / 1e6;
    }
}
