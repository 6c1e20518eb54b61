package io.zhiyue.gateway.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.GradingDownProfile;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
@TestProfile(GradingDownProfile.class)
class DownstreamUnavailableTest {

    @Test
    void readAnswers503ProblemWithRetryAfter() {
        given().header("X-Request-Id", "down-read-1")
                .when().get("/api/v1/exams")
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("5"))
                .contentType(startsWith("application/problem+json"))
                .body("code", equalTo("DEPENDENCY_UNAVAILABLE"))
                .body("status", equalTo(503))
                .body("requestId", equalTo("down-read-1"))
                .body("instance", equalTo("/api/v1/exams"))
                .body(not(containsString("Exception")))
                .body(not(containsString("\tat ")));
    }

    @Test
    void writeAnswers503ProblemWithRetryAfter() {
        given().contentType("application/json").body("{\"title\":\"Final\"}")
                .when().post("/api/v1/exams")
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("5"))
                .contentType(startsWith("application/problem+json"))
                .body("code", equalTo("DEPENDENCY_UNAVAILABLE"))
                .body("requestId", notNullValue())
                .body(not(containsString("Exception")));
    }

    @Test
    void staysA503OnceTheCircuitBreakerOpens() {
        String jobId = UUID.randomUUID().toString();
        for (int i = 0; i < 15; i++) {
            given().when().get("/api/v1/grading-jobs/{jobId}", jobId)
                    .then()
                    .statusCode(503)
                    .header("Retry-After", equalTo("5"))
                    .body("code", equalTo("DEPENDENCY_UNAVAILABLE"));
        }
    }

    @Test
    void sagaRoutesAnswer503ProblemNamingSagaService() {
        given().when().get("/api/v1/sagas")
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("5"))
                .contentType(startsWith("application/problem+json"))
                .body("code", equalTo("DEPENDENCY_UNAVAILABLE"))
                .body("detail", containsString("saga-service"));
    }

    @Test
    void traceRoutesAnswer503ProblemNamingTracingService() {
        given().when().get("/api/v1/traces")
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("5"))
                .contentType(startsWith("application/problem+json"))
                .body("code", equalTo("DEPENDENCY_UNAVAILABLE"))
                .body("detail", containsString("tracing-service"));
    }

    @Test
    void checkpointRoutesAnswer503ProblemNamingCheckpointService() {
        String thread = UUID.randomUUID().toString();
        given().when().get("/api/v1/checkpoints/{thread}/llm/latest", thread)
                .then()
                .statusCode(503)
                .header("Retry-After", equalTo("5"))
                .contentType(startsWith("application/problem+json"))
                .body("code", equalTo("DEPENDENCY_UNAVAILABLE"))
                .body("detail", containsString("checkpoint-service"))
                .body(not(containsString("Exception")));
        given().contentType("application/json").body("{\"state\":{}}")
                .when().put("/api/v1/checkpoints/{thread}/llm/{id}", thread, UUID.randomUUID())
                .then()
                .statusCode(503)
                .contentType(startsWith("application/problem+json"))
                .body("code", equalTo("DEPENDENCY_UNAVAILABLE"));
    }
}
