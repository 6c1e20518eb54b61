package io.zhiyue.tracing;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.devstack.TenantWallContract;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;

/**
 * tracing-service refuses a trace query that did not come through the gateway (no tenant), while its health and the
 * OTLP receiver, which every service's exporter posts spans to without a tenant, still answer.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TenantWallTest extends TenantWallContract {

    @Override
    protected List<String> guardedRoutes() {
        return List.of(
                "GET /api/v1/traces",
                "GET /api/v1/traces/0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void theOtlpReceiverTakesSpansWithoutTenant() {
        given().contentType("application/x-protobuf").body(new byte[0]).when().post("/v1/traces").then()
                .statusCode(200);
    }
}
