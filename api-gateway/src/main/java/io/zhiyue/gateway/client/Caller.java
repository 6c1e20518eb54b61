package io.zhiyue.gateway.client;

import io.zhiyue.shared.tenant.TenantHeaders;

import java.util.UUID;

/**
 * Who a downstream call is made for. The gateway is the only place that decides this; until it
 * authenticates callers everybody is an anonymous teacher of the default tenant.
 */
public record Caller(String tenant, String subject, String roles, String requestId) {

    public static final String ANONYMOUS = "anonymous";
    public static final String DEFAULT_ROLES = "teacher";

    public static Caller anonymous(String requestId) {
        return new Caller(TenantHeaders.DEFAULT_TENANT, ANONYMOUS, DEFAULT_ROLES,
                requestId != null ? requestId : UUID.randomUUID().toString());
    }
}
