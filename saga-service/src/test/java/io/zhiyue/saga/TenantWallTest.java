package io.zhiyue.saga;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.devstack.TenantWallContract;

import java.util.List;

/** saga-service refuses a request that did not come through the gateway (no tenant), and its health still answers. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TenantWallTest extends TenantWallContract {

    @Override
    protected List<String> guardedRoutes() {
        return List.of(
                "GET /api/v1/sagas",
                "GET /api/v1/sagas/00000000-0000-0000-0000-000000000001",
                "POST /api/v1/sagas",
                "POST /api/v1/sagas/00000000-0000-0000-0000-000000000001/cancel",
                "POST /api/v1/sagas/00000000-0000-0000-0000-000000000001/actions");
    }
}
