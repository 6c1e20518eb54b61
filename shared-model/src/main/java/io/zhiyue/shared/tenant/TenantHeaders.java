package io.zhiyue.shared.tenant;

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

    private TenantHeaders() {
    }
}
