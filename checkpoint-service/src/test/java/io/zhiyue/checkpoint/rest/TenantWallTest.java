package io.zhiyue.checkpoint.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.devstack.TenantWallContract;

import java.util.List;

/** checkpoint-service refuses a request that did not come through the gateway (no tenant), and its health still answers. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TenantWallTest extends TenantWallContract {

    @Override
    protected List<String> guardedRoutes() {
        return List.of(
                "GET /api/v1/checkpoints/00000000-0000-0000-0000-000000000001/llm/latest",
                "GET /api/v1/checkpoints/00000000-0000-0000-0000-000000000001/llm",
                "GET /api/v1/checkpoints/00000000-0000-0000-0000-000000000001/llm/00000000-0000-0000-0000-000000000001",
                "PUT /api/v1/checkpoints/00000000-0000-0000-0000-000000000001/llm/00000000-0000-0000-0000-000000000001",
                "POST /api/v1/checkpoints/00000000-0000-0000-0000-000000000001/llm/00000000-0000-0000-0000-000000000001/fork",
                "DELETE /api/v1/checkpoints/00000000-0000-0000-0000-000000000001");
    }
}
