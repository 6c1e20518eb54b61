package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.client.Caller;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.UUID;

/**
 * Edge rules for every public request: identity headers never come from outside, and every
 * request carries a request id (the caller's if it is sane). Sizes are checked by shared-streams'
 * RequestLimits, as in every service.
 */
public class GatewayRequestFilters {

    static final String REQUEST_ID_PROPERTY = "zhiyue.requestId";

    private final CallerContext callerContext;

    GatewayRequestFilters(CallerContext callerContext) {
        this.callerContext = callerContext;
    }

    @ServerRequestFilter(preMatching = true)
    public void admit(ContainerRequestContext request) {
        request.getHeaders().remove(TenantHeaders.TENANT);
        request.getHeaders().remove(TenantHeaders.SUBJECT);
        request.getHeaders().remove(TenantHeaders.ROLES);

        String requestId = request.getHeaderString(TenantHeaders.REQUEST_ID);
        if (!TenantHeaders.isSaneRequestId(requestId)) {
            requestId = UUID.randomUUID().toString();
            request.getHeaders().putSingle(TenantHeaders.REQUEST_ID, requestId);
        }
        request.setProperty(REQUEST_ID_PROPERTY, requestId);
        callerContext.set(Caller.anonymous(requestId));
    }

    @ServerResponseFilter
    public void echoRequestId(ContainerRequestContext request, ContainerResponseContext response) {
        Object requestId = request.getProperty(REQUEST_ID_PROPERTY);
        if (requestId != null && !response.getHeaders().containsKey(TenantHeaders.REQUEST_ID)) {
            response.getHeaders().putSingle(TenantHeaders.REQUEST_ID, requestId);
        }
        response.getHeaders().remove(HttpHeaders.SET_COOKIE);
    }
}
