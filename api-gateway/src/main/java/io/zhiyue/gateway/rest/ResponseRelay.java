package io.zhiyue.gateway.rest;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClientResponse;
import io.zhiyue.gateway.client.DownstreamResponse;
import io.zhiyue.gateway.client.DownstreamServerError;
import io.zhiyue.gateway.client.GradingStreams;
import io.zhiyue.gateway.client.RequestBody;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestMulti;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a downstream answer into the gateway's answer (same status, body bytes and headers) within
 * the call's one time budget, retries included: past it, or when the dependency is unavailable,
 * the answer is 503 problem+json with Retry-After.
 */
@ApplicationScoped
public class ResponseRelay {

    /** The names a 503 gives the dependency that did not answer. */
    static final String GRADING = "grading-service";
    static final String CHECKPOINT = "checkpoint-service";
    static final String SAGA = "saga-service";
    static final String TRACING = "tracing-service";

    private final GatewayConfig config;

    ResponseRelay(GatewayConfig config) {
        this.config = config;
    }

    /** Reads and quick writes of grading-service: the read budget (5 s by default). */
    Uni<Response> relay(Uni<DownstreamResponse> call) {
        return relay(call, GRADING);
    }

    /** Reads and quick writes of {@code dependency}: the read budget. */
    Uni<Response> relay(Uni<DownstreamResponse> call, String dependency) {
        return relay(call, config.readBudget(), dependency);
    }

    /** Uploads, exports and job actions, which do real work before they answer. */
    Uni<Response> relaySlow(Uni<DownstreamResponse> call) {
        return relay(call, config.longBudget(), GRADING);
    }

    private static Uni<Response> relay(Uni<DownstreamResponse> call, Duration budget, String dependency) {
        return call
                .ifNoItem().after(budget).fail()
                .onFailure(DownstreamServerError.class)
                .recoverWithItem(failure -> ((DownstreamServerError) failure).response())
                .map(ResponseRelay::toResponse)
                .onFailure(DependencyFailures::isUnavailable).transform(failure -> unavailable(dependency, failure));
    }

    /**
     * A streamed answer relayed chunk by chunk: the status and headers once they arrive (within
     * the long budget), then the body; a silence longer than the long budget between two chunks
     * ends it. Not retried: part of it may already have gone out.
     */
    RestMulti<byte[]> relayStream(Uni<HttpClientResponse> opening) {
        Duration budget = config.longBudget();
        Uni<HttpClientResponse> opened = opening.ifNoItem().after(budget).fail()
                .onFailure(DependencyFailures::isUnavailable).transform(failure -> unavailable(GRADING, failure));
        return RestMulti.fromUniResponse(opened,
                response -> GradingStreams.body(response).map(Buffer::getBytes).ifNoItem().after(budget).fail(),
                ResponseRelay::relayedHeaders,
                HttpClientResponse::statusCode);
    }

    private static ZhiyueException unavailable(String dependency, Throwable failure) {
        Log.warnf("%s unavailable: %s", dependency, failure.toString());
        return new ZhiyueException(ErrorCode.DEPENDENCY_UNAVAILABLE, dependency + " is unavailable, try again shortly");
    }

    private static Map<String, List<String>> relayedHeaders(HttpClientResponse response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : DownstreamResponse.RELAYED_HEADERS) {
            String value = response.getHeader(name);
            if (value != null) {
                headers.put(name, List.of(value));
            }
        }
        return headers;
    }

    /** The caller's body and type; an empty body travels without a type. */
    static RequestBody body(String contentType, byte[] bytes, String defaultType) {
        if (bytes == null || bytes.length == 0) {
            return RequestBody.EMPTY;
        }
        return new RequestBody(contentType == null || contentType.isBlank() ? defaultType : contentType, bytes);
    }

    static RequestBody jsonBody(String contentType, byte[] bytes) {
        return body(contentType, bytes, MediaType.APPLICATION_JSON);
    }

    static Response toResponse(DownstreamResponse downstream) {
        Response.ResponseBuilder response = Response.status(downstream.status());
        for (Map.Entry<String, String> header : downstream.headers().entrySet()) {
            String value = HttpHeaders.LOCATION.equals(header.getKey())
                    ? gatewayRelative(header.getValue())
                    : header.getValue();
            response.header(header.getKey(), value);
        }
        if (downstream.body().length > 0) {
            response.entity(downstream.body());
        }
        return response.build();
    }

    /**
     * Services serve the same paths as the gateway, so an absolute Location that names a
     * service's host is rewritten to the path alone, which resolves against the gateway.
     */
    private static String gatewayRelative(String location) {
        try {
            URI uri = URI.create(location);
            if (!uri.isAbsolute()) {
                return location;
            }
            return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } catch (IllegalArgumentException e) {
            return location;
        }
    }
}
