package io.zhiyue.grading.service;

import io.zhiyue.shared.tenant.TenantHeaders;

/** The tenant a request runs as: the gateway's header, else the default school. */
public final class Tenant {

    private Tenant() {
    }

    public static String of(String header) {
        return TenantHeaders.tenantOrDefault(header);
    }
}
