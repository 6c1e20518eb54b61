package io.zhiyue.gateway.client;

/**
 * Who a downstream call is made for: the verified caller's tenant, subject and roles (the
 * {@code X-ZhiYue-Roles} form) and the request id. The gateway is the only place that decides this.
 */
public record Caller(String tenant, String subject, String roles, String requestId) {

    /** The subject of calls made while authentication is switched off (benchmark baselines). */
    public static final String ANONYMOUS = "anonymous";
}
