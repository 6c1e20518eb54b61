package io.zhiyue.tracing.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.google.rpc.Status;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.zhiyue.shared.json.JsonCodec;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * OTLP/HTTP bodies both ways, in the request's encoding: binary protobuf ({@code application/x-protobuf}) or the
 * protobuf JSON mapping ({@code application/json}), read and written by the published classes and protobuf's own
 * {@link JsonFormat}. OTLP/JSON departs from that mapping in one place — trace and span ids are hex, not base64 —
 * so those fields are turned into base64 before JsonFormat reads them.
 */
public enum OtlpCodec {

    PROTOBUF("application/x-protobuf"),
    JSON("application/json");

    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();

    private final String mediaType;

    OtlpCodec(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** The codec of a Content-Type header (parameters ignored); null when OTLP/HTTP has none for it. */
    public static OtlpCodec of(String contentType) {
        if (contentType == null) {
            return null;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "application/x-protobuf", "application/protobuf" -> PROTOBUF;
            case "application/json" -> JSON;
            default -> null;
        };
    }

    /** @throws BadOtlpBody when the body is not an ExportTraceServiceRequest in this encoding */
    public ExportTraceServiceRequest read(byte[] body) {
        try {
            if (this == PROTOBUF) {
                return ExportTraceServiceRequest.parseFrom(body);
            }
            JsonNode tree = JsonCodec.mapper().readTree(body);
            if (tree == null || !tree.isObject()) {
                throw new BadOtlpBody("the body is not a JSON object");
            }
            for (JsonNode resourceSpans : tree.path("resourceSpans")) {
                for (JsonNode scopeSpans : resourceSpans.path("scopeSpans")) {
                    for (JsonNode span : scopeSpans.path("spans")) {
                        base64Ids(span, "traceId", "spanId", "parentSpanId");
                        for (JsonNode link : span.path("links")) {
                            base64Ids(link, "traceId", "spanId");
                        }
                    }
                }
            }
            ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
            PARSER.merge(JsonCodec.mapper().writeValueAsString(tree), request);
            return request.build();
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new BadOtlpBody("the body is not an OTLP ExportTraceServiceRequest in " + mediaType + ": "
                    + firstLine(e.getMessage()));
        } catch (java.io.IOException e) {
            throw new BadOtlpBody("the body could not be read: " + firstLine(e.getMessage()));
        }
    }

    /** A response message (the export's answer, or a google.rpc.Status) in this encoding. */
    public byte[] write(Message message) {
        if (this == PROTOBUF) {
            return message.toByteArray();
        }
        try {
            return PRINTER.print(message).getBytes(StandardCharsets.UTF_8);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("an OTLP response could not be written as JSON", e);
        }
    }

    /** The error body exporters parse: a google.rpc.Status with its code and message. */
    public byte[] status(int code, String message) {
        return write(Status.newBuilder().setCode(code).setMessage(message).build());
    }

    private static void base64Ids(JsonNode holder, String... fields) {
        if (!(holder instanceof ObjectNode object)) {
            return;
        }
        for (String field : fields) {
            JsonNode id = object.get(field);
            if (id == null || id.isNull()) {
                continue;
            }
            String hex = id.asText();
            if (hex.isEmpty()) {
                continue;
            }
            try {
                object.put(field, Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex)));
            } catch (IllegalArgumentException e) {
                throw new BadOtlpBody(field + " \"" + abbreviate(hex) + "\" is not hex");
            }
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int end = message.indexOf('\n');
        String line = end < 0 ? message : message.substring(0, end);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    /** The body cannot be read as OTLP: a 400 with a google.rpc.Status saying why. */
    public static final class BadOtlpBody extends RuntimeException {

        public BadOtlpBody(String message) {
            super(message, null, false, false);
        }
    }
}
