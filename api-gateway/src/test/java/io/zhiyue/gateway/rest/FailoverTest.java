package io.zhiyue.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.LiveClient;
import io.zhiyue.gateway.support.TestTokens;
import io.zhiyue.gateway.support.TwoInstancesProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * The gateway over two grading-service instances, one of them dead: every call is answered by
 * the live one (reads retried, writes retried only when the connection was refused), a hung read
 * ends within the read budget, and a subscription storm on one job costs a few snapshot fetches.
 */
@QuarkusTest
@TestProfile(TwoInstancesProfile.class)
class FailoverTest {

    @InjectGradingStub
    GradingStub grading;

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void everyReadAndWriteIsAnsweredByTheLiveInstance() {
        for (int i = 0; i < 20; i++) {
            given().when().get("/api/v1/exams/{id}", UUID.randomUUID())
                    .then().statusCode(200).body("method", equalTo("GET"));
            given().contentType("application/json").body("{\"title\":\"Final " + i + "\"}")
                    .when().post("/api/v1/exams")
                    .then().statusCode(200).body("method", equalTo("POST"));
        }
        assertThat(grading.count("POST", "/api/v1/exams")).as("each write reached grading-service once")
                .isEqualTo(20);
    }

    @Test
    void aHungReadEndsWithin503AndRetryAfterWithinTheBudget() {
        String examId = UUID.randomUUID().toString();
        grading.respondSlowly("GET", "/api/v1/exams/" + examId, Duration.ofSeconds(20));

        long started = System.nanoTime();
        given().when().get("/api/v1/exams/{id}", examId)
                .then().statusCode(503)
                .header("Retry-After", equalTo("5"))
                .body("code", equalTo("DEPENDENCY_UNAVAILABLE"));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(tookMillis).as("the whole read, retries included, within its budget")
                .isBetween(TwoInstancesProfile.READ_BUDGET_MILLIS - 100, TwoInstancesProfile.READ_BUDGET_MILLIS + 1_500);
    }

    @Test
    void anExportIsStreamedFromTheLiveInstanceAndADownstreamProblemPassesThrough() {
        String jobId = UUID.randomUUID().toString();
        grading.respond("GET", "/api/v1/grading-jobs/" + jobId + "/export", 200, "text/csv; charset=UTF-8",
                "student_id,question_number,score\ns1,1,2\n");
        String unknown = UUID.randomUUID().toString();
        grading.respond("GET", "/api/v1/grading-jobs/" + unknown + "/export", 404, "application/problem+json",
                "{\"code\":\"RECORD_NOT_FOUND\",\"status\":404}");

        for (int i = 0; i < 5; i++) {
            given().when().get("/api/v1/grading-jobs/{id}/export", jobId).then().statusCode(200)
                    .body(equalTo("student_id,question_number,score\ns1,1,2\n"));
        }
        given().when().get("/api/v1/grading-jobs/{id}/export", unknown).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("RECORD_NOT_FOUND"));
    }

    @Test
    void anExportWhoseFirstByteNeverComesEndsWithin503AtTheBudget() {
        String jobId = UUID.randomUUID().toString();
        grading.respondSlowly("GET", "/api/v1/grading-jobs/" + jobId + "/export", Duration.ofSeconds(20));

        long started = System.nanoTime();
        given().when().get("/api/v1/grading-jobs/{id}/export", jobId).then().statusCode(503)
                .body("code", equalTo("DEPENDENCY_UNAVAILABLE"));
        assertThat((System.nanoTime() - started) / 1_000_000).as("ms until the 503")
                .isBetween(TwoInstancesProfile.LONG_BUDGET_MILLIS - 100, TwoInstancesProfile.LONG_BUDGET_MILLIS + 3_000);
        assertThat(grading.count("GET", "/api/v1/grading-jobs/" + jobId + "/export")).as("never retried").isEqualTo(1);
    }

    @Test
    void aSubscriptionStormOnOneJobIsServedByAFewSnapshotFetches() {
        String jobId = UUID.randomUUID().toString();
        String path = "/api/v1/grading-jobs/" + jobId;
        grading.respondAfter(Duration.ofMillis(300), "GET", path, 200,
                "{\"id\":\"" + jobId + "\",\"state\":\"EXECUTING\",\"total\":10,\"graded\":3}");
        List<LiveClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                // one dashboard per teacher: a user's own sockets are capped
                clients.add(LiveClient.connect(ws, TestTokens.mint("teacher", TestTokens.TENANT, "storm-" + i))
                        .subscribe("job:" + jobId));
            }
            // the REST API is not starved meanwhile
            given().when().get("/api/v1/exams/{id}", UUID.randomUUID()).then().statusCode(200);
            for (LiveClient client : clients) {
                JsonNode status = client.awaitMessage(m -> m.path("data").path("subscribed").asBoolean());
                assertThat(status.path("data").path("snapshot").path("graded").asInt()).isEqualTo(3);
            }
            assertThat(grading.count("GET", path)).as("snapshot fetches for 60 subscriptions").isBetween(1L, 10L);
        } finally {
            clients.forEach(LiveClient::close);
        }
    }
}
