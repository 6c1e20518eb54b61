package io.zhiyue.tracing;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** What every service answers operators: liveness, readiness of PostgreSQL and Redis, metrics, OpenAPI. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class OperationsEndpointsTest {

    @Test
    void healthMetricsAndOpenApi() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body(containsString("PostgreSQL")).body(containsString("Redis"));
        given().when().get("/q/metrics").then().statusCode(200).body(containsString("zhiyue_tracing_queue_spans"))
                .body(containsString("zhiyue_tracing_spans_total"));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/traces/{traceId}"));
    }
}
