package io.zhiyue.gateway.security;

import io.zhiyue.gateway.rest.CallerContext;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ResourceInfo;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Who may call which route: every public route declares its {@link Access}; a route without one,
 * or a caller outside its audience, is refused. Runs after matching, so it knows the route.
 */
public class RouteAccessFilter {

    private final CallerContext callerContext;

    RouteAccessFilter(CallerContext callerContext) {
        this.callerContext = callerContext;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public void authorize(ResourceInfo resource) {
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
    }
}
