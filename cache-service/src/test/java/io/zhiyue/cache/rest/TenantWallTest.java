package io.zhiyue.cache.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.devstack.TenantWallContract;

import java.util.List;

/** cache-service refuses a request that did not come through the gateway (no tenant), and its health still answers. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TenantWallTest extends TenantWallContract {

    @Override
    protected List<String> guardedRoutes() {
        return List.of(
                "GET /api/v1/jobs/00000000-0000-0000-0000-000000000001",
                "POST /api/v1/cache/results/lookup",
                "PUT /api/v1/cache/results",
                "DELETE /api/v1/cache/results/qv-1/k-1",
                "DELETE /api/v1/cache/results/qv-1");
    }
}
