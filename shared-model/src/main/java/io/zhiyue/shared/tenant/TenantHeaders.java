package io.zhiyue.shared.tenant;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Internal headers the gateway sets for downstream services (and strips from public requests).
 */
public final class TenantHeaders {

    public static final String TENANT = "X-ZhiYue-Tenant";
    public static final String SUBJECT = "X-ZhiYue-Subject";
    public static final String ROLES = "X-ZhiYue-Roles";
    public static final String REQUEST_ID = "X-Request-Id";

    /** Every caller runs as this tenant until the gateway authenticates callers. */
    public static final String DEFAULT_TENANT = "demo-school";

    /** The tenant of platform-wide data (spans, SYSTEM_STATUS, SLOW_SPAN): visible to platform admins only. */
    public static final String PLATFORM_TENANT = "_platform";

    /** A request id a caller may choose: short, and safe in logs and headers. */
    private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private TenantHeaders() {
    }

    /** The tenant a request runs as: the gateway's header, else the default school. */
    public static String tenantOrDefault(String header) {
        return header == null || header.isBlank() ? DEFAULT_TENANT : header.trim();
    }

    public static boolean isSaneRequestId(String requestId) {
        return requestId != null && SANE_REQUEST_ID.matcher(requestId).matches();
    }

    /** The caller's request id if it is sane, else a new one. */
    public static String requestIdOrNew(String requestId) {
        return isSaneRequestId(requestId) ? requestId : UUID.randomUUID().toString();
    }
}
