package io.zhiyue.streams.http;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Whether this service's {@code /api/v1} routes require the tenant the gateway passes downstream. */
@ConfigMapping(prefix = "zhiyue.tenant")
public interface TenantConfig {

    /**
     * True in every service; false only in api-gateway, whose public routes authenticate the caller and set the
     * tenant themselves (it strips the header from incoming requests).
     */
    @WithDefault("true")
    boolean required();
}
