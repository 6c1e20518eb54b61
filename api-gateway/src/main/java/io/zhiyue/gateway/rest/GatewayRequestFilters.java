package io.zhiyue.gateway.rest;

import io.zhiyue.gateway.client.Caller;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Edge rules for every public request: identity headers never come from outside, every request
 * carries a request id (the caller's if it is sane), and oversized bodies are refused before
 * they are read.
 */
public class GatewayRequestFilters {

    static final String REQUEST_ID_PROPERTY = "zhiyue.requestId";
    private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private final CallerContext callerContext;
    private final GatewayConfig config;

    GatewayRequestFilters(CallerContext callerContext, GatewayConfig config) {
        this.callerContext = callerContext;
        this.config = config;
    }

    @ServerRequestFilter(preMatching = true)
    public void admit(ContainerRequestContext request) {
        request.getHeaders().remove(TenantHeaders.TENANT);
        request.getHeaders().remove(TenantHeaders.SUBJECT);
        request.getHeaders().remove(TenantHeaders.ROLES);

        String requestId = request.getHeaderString(TenantHeaders.REQUEST_ID);
        if (requestId == null || !SANE_REQUEST_ID.matcher(requestId).matches()) {
            requestId = UUID.randomUUID().toString();
            request.getHeaders().putSingle(TenantHeaders.REQUEST_ID, requestId);
        }
        request.setProperty(REQUEST_ID_PROPERTY, requestId);
        callerContext.set(Caller.anonymous(requestId));

        long declaredLength = request.getLength();
        if (declaredLength > config.maxBodySize().asLongValue()) {
            throw new ZhiyueException(ErrorCode.PAYLOAD_TOO_LARGE,
                    "request body of " + declaredLength + " bytes exceeds the limit of "
                            + config.maxBodySize().asLongValue() + " bytes");
        }
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
