package io.zhiyue.gateway.health;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class HealthAndDocsTest {

    @Test
    void readyWhenPostgresRedisAndTheEventsReaderAreUp() {
        given().when().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", containsInAnyOrder("PostgreSQL", "Redis", "Redis Streams"))
                .body("checks.find { it.name == 'PostgreSQL' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Redis' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Redis Streams' }.data.'zhiyue:events'", equalTo("tailing"));
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
