package io.zhiyue.gateway.security;

import io.vertx.core.MultiMap;
import io.zhiyue.shared.tenant.TenantHeaders;

/**
 * The headers every gateway response carries, set before any route runs so that responses the
 * gateway ends itself (401, 413, …) carry them too. The API allows nothing to load; the dashboard's
 * pages (every path outside {@code /api}, {@code /ws} and {@code /q}) load scripts, styles and
 * images from the gateway itself and talk only to it (REST and the live channel), never inline code.
 */
final class SecurityHeaders {

    private SecurityHeaders() {
    }

    static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'";
    static final String PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static void apply(MultiMap response, String requestId, boolean page) {
        response.set(TenantHeaders.REQUEST_ID, requestId);
        response.set("X-Content-Type-Options", "nosniff");
        response.set("X-Frame-Options", "DENY");
        response.set("Referrer-Policy", "no-referrer");
        response.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        response.set("Content-Security-Policy", page ? PAGE_POLICY : API_POLICY);
        // a page may be kept but is checked again each time (a new release shows at once); API answers are never kept
        response.set("Cache-Control", page ? "no-cache" : "no-store");
    }
}
