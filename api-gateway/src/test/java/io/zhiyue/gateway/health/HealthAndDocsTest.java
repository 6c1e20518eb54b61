package io.zhiyue.gateway.health;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class HealthAndDocsTest {

    @Test
    void readyWhenPostgresRedisAndTheEventsReaderAreUp() {
        given().when().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems("live events reader"))
                .body("checks.find { it.name.toLowerCase().contains('redis') }.status", equalTo("UP"))
                .body("checks.find { it.name.toLowerCase().contains('postgresql') }.status", equalTo("UP"));
    }

    @Test
    void metricsAreExposedForPrometheus() {
        given().when().get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("zhiyue_gateway_live_connections"));
    }

    @Test
    void openApiDescribesEveryPublicRoute() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then()
                .statusCode(200)
                .body(containsString("/api/v1/exams/{examId}/submissions"))
                .body(containsString("/api/v1/grading-jobs/{jobId}/export"))
                .body(containsString("/api/v1/questions/{questionId}/rubric"))
                .body(containsString("/api/v1/grading-jobs/{jobId}/cancel"));
    }
}
