package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.security.Identity;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Reads what the gateway's door (security BearerAuthentication) decided about a request — its
 * request id and the verified caller — into the request's {@link CallerContext}. Who may call
 * which route is decided after matching, by security RouteAccessFilter.
 */
public class GatewayRequestFilters {

    static final String REQUEST_ID_PROPERTY = "zhiyue.requestId";

    private final CallerContext callerContext;

    GatewayRequestFilters(CallerContext callerContext) {
        this.callerContext = callerContext;
    }

    @ServerRequestFilter(preMatching = true)
    public void admit(ContainerRequestContext request) {
        String requestId = TenantHeaders.requestIdOrNew(request.getHeaderString(TenantHeaders.REQUEST_ID));
        request.setProperty(REQUEST_ID_PROPERTY, requestId);
        Identity.fromHeaders(request.getHeaderString(TenantHeaders.TENANT), request.getHeaderString(TenantHeaders.SUBJECT),
                request.getHeaderString(TenantHeaders.ROLES))
                .ifPresent(identity -> callerContext.set(identity, requestId));
    }

    @ServerResponseFilter
    public void dropRelayedHeaders(ContainerRequestContext request, ContainerResponseContext response) {
        // the door already put this request's id on the response; a downstream one must not double it
        response.getHeaders().remove(TenantHeaders.REQUEST_ID);
        response.getHeaders().remove(HttpHeaders.SET_COOKIE);
    }
}
