package io.zhiyue.gateway.security;

import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.ratelimit.RateDecision;
import io.zhiyue.gateway.ratelimit.RateLimiter;
import io.zhiyue.gateway.rest.CallerContext;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;


/**
 * Who may call which route, and how often: every public route declares its {@link Access}; a
 * route without one, or a caller outside its audience, is refused (403); an admitted call counts
 * against its subject's and tenant's limits for the route's class (429 past them). Runs after
 * matching, so it knows the route. Every limited response carries the RateLimit headers.
 */
public class RouteAccessFilter {

    private static final String DECISION = "zhiyue.rateDecision";

    private final CallerContext callerContext;
    private final RateLimiter limiter;

    RouteAccessFilter(CallerContext callerContext, RateLimiter limiter) {
        this.callerContext = callerContext;
        this.limiter = limiter;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Uni<Response> authorize(ContainerRequestContext request, ResourceInfo resource) {
        Identity identity = callerContext.identity().orElseThrow(() -> new ZhiyueException(
                ErrorCode.AUTHENTICATION_ERROR, "a bearer token is required"));
        // RESTEasy Reactive resolves the method once per route and keeps it
        Access access = resource.getResourceMethod() == null ? null
                : resource.getResourceMethod().getAnnotation(Access.class);
        if (access == null) {
            throw new ZhiyueException(ErrorCode.AUTHORIZATION_ERROR, "this route is not open to any caller");
        }
        if (!access.audience().admits(identity)) {
            throw new ZhiyueException(ErrorCode.AUTHORIZATION_ERROR, "the role(s) "
                    + (identity.roles().isEmpty() ? "(none)" : identity.rolesHeader()) + " may not do this");
        }
        return limiter.acquire(access.value(), identity.tenant(), identity.subject()).map(decision -> {
            request.setProperty(DECISION, decision);
            return decision.allowed() ? null
                    : RateLimitedProblem.response(decision, request.getUriInfo().getPath(), callerContext.requestId());
        });
    }

    @ServerResponseFilter
    public void rateLimitHeaders(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(DECISION) instanceof RateDecision decision) {
            decision.headers().forEach(response.getHeaders()::putSingle);
        }
    }
}
