package io.zhiyue.shared.tenant;

import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.ZhiyueException;

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

    /** The gateway's tenant for every caller until it authenticates callers (services never default to it). */
    public static final String DEFAULT_TENANT = "demo-school";

    /** The tenant of platform-wide data (spans, SYSTEM_STATUS, SLOW_SPAN): visible to platform admins only. */
    public static final String PLATFORM_TENANT = "_platform";

    /** What a service answers a request that did not come through the gateway. */
    public static final String NO_TENANT = "no tenant: requests reach services through api-gateway";

    /** A tenant id: short, and safe in logs, headers and stream entries. */
    private static final Pattern SANE_TENANT = Pattern.compile("[A-Za-z0-9._:\\-]{1,64}");

    /** A request id a caller may choose: short, and safe in logs and headers. */
    private static final Pattern SANE_REQUEST_ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");

    private TenantHeaders() {
    }

    public static boolean isSaneTenant(String header) {
        return header != null && SANE_TENANT.matcher(header.trim()).matches();
    }

    /**
     * The tenant a request runs as: the gateway's header, never a default. Every service's tenant wall
     * (shared-streams) refuses a request without one before a resource runs, so this refusal is a second line.
     */
    public static String required(String header) {
        if (!isSaneTenant(header)) {
            throw new ZhiyueException(ErrorCode.AUTHENTICATION_ERROR, NO_TENANT);
        }
        return header.trim();
    }

    public static boolean isSaneRequestId(String requestId) {
        return requestId != null && SANE_REQUEST_ID.matcher(requestId).matches();
    }

    /** The caller's request id if it is sane, else a new one. */
    public static String requestIdOrNew(String requestId) {
        return isSaneRequestId(requestId) ? requestId : UUID.randomUUID().toString();
    }
}
