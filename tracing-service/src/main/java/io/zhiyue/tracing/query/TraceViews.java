package io.zhiyue.tracing.query;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** What the trace queries answer. */
public final class TraceViews {

    private TraceViews() {
    }

    /**
     * One trace: its spans as a tree (a span whose parent is not in the trace is a root too, so nothing is hidden),
     * the services it crossed, from its first start to its last end, whether any span failed; {@code truncated}
     * when it has more spans than one answer holds.
     */
    public record Trace(String traceId, Instant start, double durationMs, int spanCount, List<String> services,
            boolean error, boolean truncated, List<Span> spans) {
    }

    /** A span of the tree with its children, earliest first. */
    public record Span(String spanId, String parentSpanId, String service, String name, String kind, Instant start,
            Instant end, double durationMs, String status, String statusMessage, String tenantId,
            JsonNode attributes, JsonNode events, JsonNode links, List<Span> children) {
    }

    /** A trace in a list: its root span's service and name, the services it crossed, its size and outcome. */
    public record TraceSummary(String traceId, String rootService, String rootName, List<String> services,
            Instant start, double durationMs, long spanCount, boolean error) {
    }
}
