package io.zhiyue.gateway.security;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zhiyue.gateway.ratelimit.RateDecision;
import io.zhiyue.gateway.ratelimit.RateLimiter;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.http.RequestLimits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.MDC;

import java.util.Optional;

/**
 * The gateway's door, before any route runs: identity headers never come from outside, every
 * request gets a request id (the caller's if it is sane) echoed in the response, every response
 * the security headers, and every {@code /api} request and {@code /ws} upgrade a verified bearer
 * token — or a 401 problem with {@code WWW-Authenticate}. A verified caller's tenant, subject and
 * roles travel on in the internal headers. Browsers cannot set headers on a WebSocket, so the
 * upgrade also takes the token as {@code Sec-WebSocket-Protocol: bearer, <token>} or as the
 * {@code access_token} query parameter.
 */
@ApplicationScoped
public class BearerAuthentication {

    static final String WS_PATH = "/ws";
    static final String BEARER_PROTOCOL = "bearer";
    private static final String BEARER_PREFIX = "bearer ";

    private final TokenVerifier verifier;
    private final RateLimiter limiter;
    private final AuthConfig config;

    BearerAuthentication(TokenVerifier verifier, RateLimiter limiter, AuthConfig config) {
        this.verifier = verifier;
        this.limiter = limiter;
        this.config = config;
    }

    void install(@Observes Router router) {
        // right after the size checks (shared-streams RequestLimits), before everything else
        router.route().order(Integer.MIN_VALUE + 1).handler(this::admit);
    }

    private void admit(RoutingContext context) {
        HttpServerRequest request = context.request();
        MultiMap headers = request.headers();
        headers.remove(TenantHeaders.TENANT);
        headers.remove(TenantHeaders.SUBJECT);
        headers.remove(TenantHeaders.ROLES);
        String requestId = TenantHeaders.requestIdOrNew(headers.get(TenantHeaders.REQUEST_ID));
        headers.set(TenantHeaders.REQUEST_ID, requestId);
        MDC.put(RequestLimits.REQUEST_ID_MDC, requestId);
        String path = context.normalizedPath();
        SecurityHeaders.apply(context.response().headers(), requestId, isPage(path));

        if (!isProtected(path) || isPreflight(request)) {
            context.next();
            return;
        }
        if (!config.enabled()) {
            carry(headers, Identity.unauthenticated());
            context.next();
            return;
        }
        boolean upgrade = path.equals(WS_PATH) || path.startsWith(WS_PATH + "/");
        Optional<String> token = bearerToken(request, upgrade);
        if (token.isEmpty()) {
            refuse(context, requestId, "a bearer token is required", null);
            return;
        }
        Identity identity;
        try {
            identity = verifier.verify(token.get());
        } catch (InvalidToken e) {
            refuse(context, requestId, e.description(), e.description());
            return;
        }
        carry(headers, identity);
        if (upgrade) {
            // REST routes are limited after matching (RouteAccessFilter); an upgrade never reaches them
            limitUpgrade(context, identity, requestId);
        } else {
            context.next();
        }
    }

    private void limitUpgrade(RoutingContext context, Identity identity, String requestId) {
        // the limiter may answer on another thread (its Redis timeout): the upgrade goes on on the request's own
        Context requestContext = context.vertx().getOrCreateContext();
        limiter.acquire(RouteClass.STREAMS, identity.tenant(), identity.subject()).subscribe().with(
                decision -> requestContext.runOnContext(ignored -> upgradeOrRefuse(context, decision, requestId)),
                failure -> requestContext.runOnContext(ignored -> context.fail(failure)));
    }


    private static void upgradeOrRefuse(RoutingContext context, RateDecision decision, String requestId) {
        decision.headers().forEach(context.response()::putHeader);
        if (decision.allowed()) {
            context.next();
        } else {
            context.response().setStatusCode(ErrorCode.RATE_LIMITED.status())
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(JsonCodec.write(RateLimitedProblem.body(decision, WS_PATH, requestId)));
        }
    }

    /** The dashboard's static pages: everything that is neither the API, the live channel nor Quarkus' own. */
    private static boolean isPage(String path) {
        return !isProtected(path) && !path.equals("/q") && !path.startsWith("/q/");
    }

    private static boolean isProtected(String path) {
        return path.equals("/api") || path.startsWith("/api/") || path.equals(WS_PATH) || path.startsWith(WS_PATH + "/");
    }

    /** A CORS preflight carries no credentials; the CORS filter answers it and no route runs. */
    private static boolean isPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS && request.getHeader("Origin") != null
                && request.getHeader("Access-Control-Request-Method") != null;
    }

    static Optional<String> bearerToken(HttpServerRequest request, boolean upgrade) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER_PREFIX, 0, BEARER_PREFIX.length())) {
            return nonBlank(authorization.substring(BEARER_PREFIX.length()));
        }
        if (!upgrade) {
            return Optional.empty();
        }
        String protocols = request.getHeader("Sec-WebSocket-Protocol");
        if (protocols != null) {
            String[] offered = protocols.split(",");
            for (int i = 0; i + 1 < offered.length; i++) {
                if (offered[i].trim().equalsIgnoreCase(BEARER_PROTOCOL)) {
                    return nonBlank(offered[i + 1]);
                }
            }
        }
        return nonBlank(request.getParam("access_token"));
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    private static void carry(MultiMap headers, Identity identity) {
        headers.set(TenantHeaders.TENANT, identity.tenant());
        headers.set(TenantHeaders.SUBJECT, identity.subject());
        headers.set(TenantHeaders.ROLES, identity.rolesHeader());
    }

    /** RFC 6750: no error code when no token came, {@code invalid_token} when a bad one did. */
    private void refuse(RoutingContext context, String requestId, String detail, String invalidToken) {
        String challenge = "Bearer realm=\"" + config.realm() + "\""
                + (invalidToken == null ? "" : ", error=\"invalid_token\", error_description=\"" + invalidToken + "\"");
        Problem problem = Problem.of(ErrorCode.AUTHENTICATION_ERROR, detail, context.request().path(), requestId, null);
        context.response().setStatusCode(ErrorCode.AUTHENTICATION_ERROR.status())
                .putHeader("Content-Type", Problem.MEDIA_TYPE)
                .putHeader("WWW-Authenticate", challenge)
                .end(JsonCodec.write(problem));
    }
}
