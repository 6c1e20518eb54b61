package io.zhiyue.streams.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;

/**
 * The service side of the tenant wall: a request to {@code /api/v1/...} that carries no tenant (or a blank, malformed
 * or repeated one) did not come through the gateway, and is answered 401 problem+json before any resource runs.
 * Other paths ({@code /q/health}, {@code /q/metrics}, the OTLP receiver's {@code /v1/traces}) are not behind it.
 * Resources read the tenant with {@link TenantHeaders#required}, which never defaults.
 */
@ApplicationScoped
public class TenantWall {

    /** Every service's own API; health, metrics, OpenAPI and the OTLP receiver live outside it. */
    static final String GUARDED_PATHS = "/api/v1/*";

    private final boolean required;

    public TenantWall(TenantConfig config) {
        this.required = config.required();
    }

    void install(@Observes Router router) {
        if (required) {
            // right after RequestLimits (Integer.MIN_VALUE), before body handling and any resource
            router.route(GUARDED_PATHS).order(Integer.MIN_VALUE + 1).handler(this::check);
        }
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        List<String> tenants = request.headers().getAll(TenantHeaders.TENANT);
        if (tenants.size() == 1 && TenantHeaders.isSaneTenant(tenants.getFirst())) {
            context.next();
        } else {
            Problems.refuse(context, ErrorCode.AUTHENTICATION_ERROR, TenantHeaders.NO_TENANT);
        }
    }
}
