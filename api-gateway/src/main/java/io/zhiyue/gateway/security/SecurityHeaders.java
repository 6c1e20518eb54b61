package io.zhiyue.gateway.security;

import io.vertx.core.MultiMap;
import io.zhiyue.shared.tenant.TenantHeaders;

/**
 * The headers every gateway response carries, set before any route runs so that responses the
 * gateway ends itself (401, 413, …) carry them too.
 */
final class SecurityHeaders {

    private SecurityHeaders() {
    }

    static void apply(MultiMap response, String requestId) {
        response.set(TenantHeaders.REQUEST_ID, requestId);
        response.set("X-Content-Type-Options", "nosniff");
        response.set("X-Frame-Options", "DENY");
        response.set("Referrer-Policy", "no-referrer");
        response.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        response.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        response.set("Cache-Control", "no-store");
    }
}
