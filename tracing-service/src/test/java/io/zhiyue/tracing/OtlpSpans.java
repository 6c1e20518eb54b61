package io.zhiyue.tracing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** OTLP export requests built with the published proto builders, as an SDK exporter sends them. */
final class OtlpSpans {

    private OtlpSpans() {
    }

    static String traceId() {
        byte[] id = new byte[16];
        ThreadLocalRandom.current().nextBytes(id);
        id[0] = 1;
        return HexFormat.of().formatHex(id);
    }

    static String spanId() {
        byte[] id = new byte[8];
        ThreadLocalRandom.current().nextBytes(id);
        id[0] = 1;
        return HexFormat.of().formatHex(id);
    }

    /** A span of {@code millis} starting {@code offsetMillis} after now-ish; parent null for a root. */
    static Span span(String traceId, String spanId, String parent, String name, Span.SpanKind kind, long offsetMillis,
            long millis, boolean error) {
        long start = System.currentTimeMillis() * 1_000_000L + offsetMillis * 1_000_000L;
        Span.Builder span = Span.newBuilder().setTraceId(bytes(traceId)).setSpanId(bytes(spanId)).setName(name)
                .setKind(kind).setStartTimeUnixNano(start).setEndTimeUnixNano(start + millis * 1_000_000L)
                .addAttributes(KeyValue.newBuilder().setKey("http.route")
                        .setValue(AnyValue.newBuilder().setStringValue("/api/v1/exams")))
                .addAttributes(KeyValue.newBuilder().setKey("retries")
                        .setValue(AnyValue.newBuilder().setIntValue(2)));
        if (parent != null) {
            span.setParentSpanId(bytes(parent));
        }
        if (error) {
            span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"));
        }
        return span.build();
    }

    static ResourceSpans service(String service, List<Span> spans) {
        return ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(KeyValue.newBuilder().setKey("service.name")
                        .setValue(AnyValue.newBuilder().setStringValue(service))))
                .addScopeSpans(ScopeSpans.newBuilder().addAllSpans(spans)).build();
    }

    static ExportTraceServiceRequest request(ResourceSpans... services) {
        return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(List.of(services)).build();
    }

    static ByteString bytes(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }
}
