package io.zhiyue.streams.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;

import java.util.List;
import java.util.Map;

/**
 * The one place a request's size is checked, for every service, before any route runs: the URI,
 * the headers and a declared body length (problem+json 414, 431, 413). A chunked body, which
 * declares no length, is counted as it arrives and stops at the same limit.
 */
@ApplicationScoped
public class RequestLimits {

    /** The log field (MDC key) of a request's id. */
    public static final String REQUEST_ID_MDC = "requestId";

    private final long maxBody;
    private final int maxUri;
    private final long maxHeaders;
    private final BodyHandler chunkedBodies;
    private final List<String> ownLimitPaths;

    public RequestLimits(HttpLimitsConfig config) {
        this.ownLimitPaths = config.ownLimitPaths().orElse(List.of());
        this.maxBody = config.maxBodySize().asLongValue();
        this.maxUri = config.maxUriLength();
        this.maxHeaders = config.maxHeaderSize().asLongValue();
        this.chunkedBodies = BodyHandler.create(false).setBodyLimit(maxBody);
    }

    void install(@Observes Router router) {
        // first of all routes, before any application code or body handling
        router.route().order(Integer.MIN_VALUE).handler(this::check).failureHandler(this::failed);
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        // every log line of the request names it (the gateway's id, passed downstream)
        MDC.put(REQUEST_ID_MDC, TenantHeaders.requestIdOrNew(request.getHeader(TenantHeaders.REQUEST_ID)));
        if (request.uri().length() > maxUri) {
            Problems.refuse(context, ErrorCode.URI_TOO_LONG, "the request target is " + request.uri().length()
                    + " characters long; at most " + maxUri + " are accepted");
            return;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            headerBytes += header.getKey().length() + header.getValue().length() + 4;
        }
        if (headerBytes > maxHeaders) {
            Problems.refuse(context, ErrorCode.HEADERS_TOO_LARGE, "the request headers hold " + headerBytes
                    + " bytes; at most " + maxHeaders + " are accepted");
            return;
        }
        for (String own : ownLimitPaths) {
            if (request.path().startsWith(own)) {
                // its route reads and limits the body itself, and answers in its own format
                context.next();
                return;
            }
        }
        String length = request.getHeader("Content-Length");
        if (length != null) {
            if (declaredLength(length) > maxBody) {
                Problems.refuse(context, ErrorCode.PAYLOAD_TOO_LARGE, tooLarge());
                return;
            }
            context.next();
        } else if (request.getHeader("Transfer-Encoding") != null) {
            // no length declared: read the body here, up to the limit (it fails the route past it)
            chunkedBodies.handle(context);
        } else {
            context.next();
        }
    }

    /** A chunked body that grew past the limit: the body handler failed the route with 413. */
    private void failed(RoutingContext context) {
        if (context.statusCode() == ErrorCode.PAYLOAD_TOO_LARGE.status()) {
            Problems.refuse(context, ErrorCode.PAYLOAD_TOO_LARGE, tooLarge());
        } else {
            context.next();
        }
    }

    private String tooLarge() {
        return "the request body is larger than " + maxBody + " bytes";
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
