package io.zhiyue.tracing.otlp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.zhiyue.shared.json.JsonCodec;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * An export request as the spans it stores. A span without a valid trace id (16 bytes, not all zero), span id
 * (8 bytes, not all zero) or start time is rejected, and counted as such in the partial success the exporter gets;
 * the others are kept.
 */
public final class SpanMapper {

    static final String UNKNOWN_SERVICE = "unknown_service";
    /** Names are indexed: an exporter's overlong one is cut (a btree row holds about 2.7 KB). */
    private static final int MAX_NAME = 512;
    private static final int MAX_TEXT = 4096;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final HexFormat HEX = HexFormat.of();

    private SpanMapper() {
    }

    /** The spans to store, and how many were rejected with the first reason. */
    public record Mapped(List<SpanRecord> spans, long rejected, String reason) {
    }

    public static Mapped map(ExportTraceServiceRequest request) {
        List<SpanRecord> spans = new ArrayList<>();
        long rejected = 0;
        String reason = null;
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            List<KeyValue> resourceAttributes = resourceSpans.getResource().getAttributesList();
            String service = text(resourceAttributes, "service.name");
            service = service == null || service.isBlank() ? UNKNOWN_SERVICE : cut(clean(service), MAX_NAME);
            String resourceTenant = tenant(resourceAttributes);
            String resource = json(attributes(resourceAttributes));
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                String scope = scopeSpans.getScope().getName();
                for (Span span : scopeSpans.getSpansList()) {
                    String problem = problem(span);
                    if (problem != null) {
                        rejected++;
                        reason = reason == null ? problem : reason;
                        continue;
                    }
                    String tenant = tenant(span.getAttributesList());
                    spans.add(new SpanRecord(HEX.formatHex(span.getTraceId().toByteArray()),
                            HEX.formatHex(span.getSpanId().toByteArray()),
                            span.getParentSpanId().isEmpty() ? null : HEX.formatHex(span.getParentSpanId().toByteArray()),
                            service, cut(clean(span.getName()), MAX_NAME), kind(span.getKind()),
                            span.getStartTimeUnixNano(), Math.max(span.getEndTimeUnixNano(), span.getStartTimeUnixNano()),
                            status(span.getStatus().getCode()), cut(blankToNull(span.getStatus().getMessage()), MAX_TEXT),
                            tenant == null ? resourceTenant : tenant, json(attributes(span.getAttributesList())),
                            span.getEventsCount() == 0 ? null : json(events(span)),
                            span.getLinksCount() == 0 ? null : json(links(span)), resource,
                            cut(blankToNull(scope), MAX_NAME)));
                }
            }
        }
        return new Mapped(spans, rejected, reason);
    }

    private static String problem(Span span) {
        if (!validId(span.getTraceId(), 16)) {
            return "a span has no valid traceId (16 bytes, not all zero)";
        }
        if (!validId(span.getSpanId(), 8)) {
            return "a span has no valid spanId (8 bytes, not all zero)";
        }
        if (!span.getParentSpanId().isEmpty() && span.getParentSpanId().size() != 8) {
            return "a span's parentSpanId is not 8 bytes";
        }
        if (span.getStartTimeUnixNano() == 0) {
            return "a span has no start time";
        }
        return null;
    }

    private static boolean validId(ByteString id, int size) {
        if (id.size() != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (id.byteAt(i) != 0) {
                return true;
            }
        }
        return false;
    }

    private static String kind(Span.SpanKind kind) {
        return kind == Span.SpanKind.UNRECOGNIZED ? "UNSPECIFIED" : kind.name().substring("SPAN_KIND_".length());
    }

    private static String status(io.opentelemetry.proto.trace.v1.Status.StatusCode code) {
        return switch (code) {
            case STATUS_CODE_OK -> "OK";
            case STATUS_CODE_ERROR -> "ERROR";
            default -> "UNSET";
        };
    }

    private static String tenant(List<KeyValue> attributes) {
        String tenant = text(attributes, "zhiyue.tenant");
        return cut(clean(tenant != null ? tenant : text(attributes, "tenant.id")), MAX_NAME);
    }

    /** PostgreSQL keeps no NUL in text, nor an escaped NUL in jsonb: such a character becomes U+FFFD. */
    private static String clean(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    private static String json(com.fasterxml.jackson.databind.JsonNode node) {
        String json = JsonCodec.write(node);
        return json.contains("\\u0000") ? json.replace("\\u0000", "\\uFFFD") : json;
    }

    private static String text(List<KeyValue> attributes, String key) {
        for (KeyValue attribute : attributes) {
            if (attribute.getKey().equals(key) && attribute.getValue().hasStringValue()) {
                return attribute.getValue().getStringValue();
            }
        }
        return null;
    }

    private static ObjectNode attributes(List<KeyValue> attributes) {
        ObjectNode object = NODES.objectNode();
        for (KeyValue attribute : attributes) {
            object.set(attribute.getKey(), value(attribute.getValue()));
        }
        return object;
    }

    private static com.fasterxml.jackson.databind.JsonNode value(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> NODES.textNode(value.getStringValue());
            case BOOL_VALUE -> NODES.booleanNode(value.getBoolValue());
            case INT_VALUE -> NODES.numberNode(value.getIntValue());
            case DOUBLE_VALUE -> NODES.numberNode(value.getDoubleValue());
            case BYTES_VALUE -> NODES.textNode(Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray()));
            case ARRAY_VALUE -> {
                ArrayNode array = NODES.arrayNode();
                value.getArrayValue().getValuesList().forEach(item -> array.add(value(item)));
                yield array;
            }
            case KVLIST_VALUE -> attributes(value.getKvlistValue().getValuesList());
            default -> NODES.nullNode();
        };
    }

    private static ArrayNode events(Span span) {
        ArrayNode events = NODES.arrayNode();
        for (Span.Event event : span.getEventsList()) {
            ObjectNode node = events.addObject().put("name", event.getName()).put("time", time(event.getTimeUnixNano()));
            if (event.getAttributesCount() > 0) {
                node.set("attributes", attributes(event.getAttributesList()));
            }
        }
        return events;
    }

    private static ArrayNode links(Span span) {
        ArrayNode links = NODES.arrayNode();
        for (Span.Link link : span.getLinksList()) {
            ObjectNode node = links.addObject().put("traceId", HEX.formatHex(link.getTraceId().toByteArray()))
                    .put("spanId", HEX.formatHex(link.getSpanId().toByteArray()));
            if (link.getAttributesCount() > 0) {
                node.set("attributes", attributes(link.getAttributesList()));
            }
        }
        return links;
    }

    static String time(long unixNanos) {
        return Instant.ofEpochSecond(unixNanos / 1_000_000_000L, unixNanos % 1_000_000_000L).toString();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : clean(text);
    }
}
