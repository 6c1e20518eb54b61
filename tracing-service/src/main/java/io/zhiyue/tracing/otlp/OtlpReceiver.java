package io.zhiyue.tracing.otlp;

import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.quarkus.logging.Log;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.zhiyue.tracing.config.TracingConfig;
import io.zhiyue.tracing.store.SpanStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The OTLP/HTTP trace receiver, {@code POST /v1/traces}, answering as the OTLP/HTTP specification says, in the
 * request's own encoding (binary protobuf or JSON): 200 with an ExportTraceServiceResponse — its partial success
 * naming the spans rejected — once the spans are queued; 400 for a body that is no ExportTraceServiceRequest,
 * 413 for one over {@code max-body-size}, 415 for another media type (a JSON body then), 503 with
 * {@code Retry-After} when the queue is full: the errors with a google.rpc.Status body, which exporters parse
 * (never problem+json). gzip bodies are inflated by the HTTP layer before the size check.
 */
@ApplicationScoped
public class OtlpReceiver {

    /** google.rpc.Code values. */
    private static final int INVALID_ARGUMENT = 3;
    private static final int RESOURCE_EXHAUSTED = 8;
    private static final int UNAVAILABLE = 14;
    private static final int UNIMPLEMENTED = 12;
    private static final int INTERNAL = 13;

    private final SpanStore store;
    private final long maxBody;
    private final int retryAfter;

    public OtlpReceiver(SpanStore store, TracingConfig config) {
        this.store = store;
        this.maxBody = config.maxBodySize().asLongValue();
        this.retryAfter = config.retryAfterSeconds();
    }

    void routes(@Observes Router router) {
        // two routes: a body handler may not follow another handler on its route
        router.post("/v1/traces").order(Integer.MIN_VALUE + 1).handler(this::admit).failureHandler(this::failed);
        router.post("/v1/traces").order(Integer.MIN_VALUE + 2)
                .handler(BodyHandler.create(false).setBodyLimit(maxBody))
                // decoding and mapping up to max-body-size is CPU work: off the event loop, requests in parallel
                .blockingHandler(this::export, false)
                .failureHandler(this::failed);
    }

    /** The media type and a declared length are checked before any of the body is read. */
    private void admit(RoutingContext context) {
        HttpServerRequest request = context.request();
        OtlpCodec codec = OtlpCodec.of(request.getHeader("Content-Type"));
        if (codec == null) {
            answer(context, 415, OtlpCodec.JSON, OtlpCodec.JSON.status(UNIMPLEMENTED, "Content-Type must be "
                    + OtlpCodec.PROTOBUF.mediaType() + " or " + OtlpCodec.JSON.mediaType() + ", not "
                    + request.getHeader("Content-Type")));
            return;
        }
        String length = request.getHeader("Content-Length");
        // a gzip body's declared length is its compressed size: its inflated size is checked as it is read
        if (length != null && request.getHeader("Content-Encoding") == null && declared(length) > maxBody) {
            tooLarge(context, codec);
            return;
        }
        context.put(OtlpCodec.class.getName(), codec);
        context.next();
    }

    private void export(RoutingContext context) {
        OtlpCodec codec = context.get(OtlpCodec.class.getName());
        Buffer body = context.body().buffer();
        ExportTraceServiceRequest request;
        try {
            request = codec.read(body == null ? new byte[0] : body.getBytes());
        } catch (OtlpCodec.BadOtlpBody e) {
            answer(context, 400, codec, codec.status(INVALID_ARGUMENT, e.getMessage()));
            return;
        }
        SpanMapper.Mapped mapped = SpanMapper.map(request);
        if (mapped.spans().size() > store.capacity()) {
            // it would never fit: retrying it cannot help
            answer(context, 413, codec, codec.status(RESOURCE_EXHAUSTED, "the request holds " + mapped.spans().size()
                    + " spans; at most " + store.capacity() + " are taken at once; send smaller batches"));
            return;
        }
        if (!store.offer(mapped.spans())) {
            context.response().putHeader("Retry-After", Integer.toString(retryAfter));
            answer(context, 503, codec, codec.status(UNAVAILABLE, "the span queue is full ("
                    + store.pending() + " spans wait to be stored); retry after " + retryAfter + " s"));
            return;
        }
        ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
        if (mapped.rejected() > 0) {
            response.setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(mapped.rejected())
                    .setErrorMessage(mapped.reason()));
        }
        answer(context, 200, codec, codec.write(response.build()));
    }

    /** The body handler stops a body past the limit with 413; anything else unexpected is a 500 Status. */
    private void failed(RoutingContext context) {
        OtlpCodec codec = context.get(OtlpCodec.class.getName());
        codec = codec == null ? OtlpCodec.JSON : codec;
        if (context.statusCode() == 413) {
            tooLarge(context, codec);
            return;
        }
        if (context.response().ended()) {
            return;
        }
        Log.errorf(context.failure(), "an OTLP export failed");
        answer(context, context.statusCode() >= 400 && context.statusCode() < 500 ? context.statusCode() : 500, codec,
                codec.status(context.statusCode() >= 400 && context.statusCode() < 500 ? INVALID_ARGUMENT : INTERNAL,
                        "the export could not be taken: " + (context.failure() == null ? "unknown"
                                : context.failure().getClass().getSimpleName())));
    }

    private void tooLarge(RoutingContext context, OtlpCodec codec) {
        context.response().putHeader("Connection", "close");
        answer(context, 413, codec, codec.status(RESOURCE_EXHAUSTED, "the request body is larger than " + maxBody
                + " bytes; send smaller batches"));
    }

    private static void answer(RoutingContext context, int status, OtlpCodec codec, byte[] body) {
        if (context.response().ended()) {
            return;
        }
        context.response().setStatusCode(status).putHeader("Content-Type", codec.mediaType())
                .end(Buffer.buffer(body));
    }

    private static long declared(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
