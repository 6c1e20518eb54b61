package io.zhiyue.gateway.client;

import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.ws.rs.HeaderParam;

/** The internal identity headers sent with every downstream call. */
public class DownstreamHeaders {

    @HeaderParam(TenantHeaders.TENANT)
    public String tenant;

    @HeaderParam(TenantHeaders.SUBJECT)
    public String subject;

    @HeaderParam(TenantHeaders.ROLES)
    public String roles;

    @HeaderParam(TenantHeaders.REQUEST_ID)
    public String requestId;

    static DownstreamHeaders of(Caller caller) {
        DownstreamHeaders headers = new DownstreamHeaders();
        headers.tenant = caller.tenant();
        headers.subject = caller.subject();
        headers.roles = caller.roles();
        headers.requestId = caller.requestId();
        return headers;
    }
}
