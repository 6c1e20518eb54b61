package io.zhiyue.gateway.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectCheckpointStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** The operator routes under /api/v1/checkpoints reach checkpoint-service (and only it) as they came. */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class CheckpointForwardingTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @InjectCheckpointStub
    GradingStub checkpoints;

    @InjectGradingStub
    GradingStub grading;

    @Test
    void everyRouteIsForwardedWithItsMethodPathQueryAndBody() {
        UUID thread = UUID.randomUUID();
        UUID checkpoint = UUID.randomUUID();
        String base = "/api/v1/checkpoints/" + thread + "/llm";
        String put = "{\"state\":{\"done\":[1,2]},\"metadata\":{\"step\":3}}";
        given().contentType("application/json").body(put)
                .when().put(base + "/" + checkpoint)
                .then().statusCode(200)
                .body("method", equalTo("PUT")).body("path", equalTo(base + "/" + checkpoint))
                .body("contentType", startsWith("application/json")).body("body", equalTo(put))
                .body("tenant", equalTo("demo-school"));
        given().when().get(base + "/latest")
                .then().statusCode(200).body("method", equalTo("GET")).body("path", equalTo(base + "/latest"));
        given().when().get(base + "/" + checkpoint)
                .then().statusCode(200).body("method", equalTo("GET")).body("path", equalTo(base + "/" + checkpoint));
        given().queryParam("page_size", "5").queryParam("cursor", checkpoint.toString())
                .queryParam("filter[metadata.step]", "3")
                .when().get(base)
                .then().statusCode(200)
                .body("method", equalTo("GET")).body("path", equalTo(base))
                .body("query.page_size", equalTo(List.of("5")))
                .body("query.cursor", equalTo(List.of(checkpoint.toString())))
                .body("query.'filter[metadata.step]'", equalTo(List.of("3")));
        String fork = "{\"metadata\":{\"branch\":\"retry\"}}";
        given().contentType("application/json").body(fork)
                .when().post(base + "/" + checkpoint + "/fork")
                .then().statusCode(200)
                .body("method", equalTo("POST")).body("path", equalTo(base + "/" + checkpoint + "/fork"))
                .body("body", equalTo(fork));
        given().when().delete("/api/v1/checkpoints/" + thread)
                .then().statusCode(200)
                .body("method", equalTo("DELETE")).body("path", equalTo("/api/v1/checkpoints/" + thread));

        assertThat(checkpoints.requests()).filteredOn(r -> r.path().contains(thread.toString())).hasSize(6);
        assertThat(grading.requests()).noneMatch(r -> r.path().startsWith("/api/v1/checkpoints"));
    }

    @Test
    void aCreatedCheckpointIsRelayedWithItsLocationMadeRelative() {
        String path = "/api/v1/checkpoints/" + UUID.randomUUID() + "/embedding/" + UUID.randomUUID();
        String created = "{\"isDelta\":false,\"dataSizeBytes\":12}";
        checkpoints.respond("PUT", path, 201, "application/json", created,
                Map.of("Location", "http://checkpoint-service:8085" + path));

        given().contentType("application/json").body("{\"state\":{}}".getBytes(StandardCharsets.UTF_8))
                .when().put(path)
                .then().statusCode(201)
                .header("Location", equalTo(path))
                .contentType(startsWith("application/json"))
                .body(equalTo(created));
    }

    @Test
    void aClientErrorIsRelayedAsItCameAndNotRetried() {
        String path = "/api/v1/checkpoints/" + UUID.randomUUID() + "/llm/" + UUID.randomUUID();
        String corrupt = "{\"status\":409,\"code\":\"CHECKPOINT_CORRUPT\",\"detail\":\"checkpoint x is corrupt\"}";
        checkpoints.respond("GET", path, 409, PROBLEM_JSON, corrupt);

        given().when().get(path)
                .then().statusCode(409).contentType(startsWith(PROBLEM_JSON)).body(equalTo(corrupt));
        assertThat(checkpoints.count("GET", path)).isEqualTo(1);
    }

    @Test
    void aServerErrorIsRetriedForAPutButNotForAFork() {
        String path = "/api/v1/checkpoints/" + UUID.randomUUID() + "/llm/" + UUID.randomUUID();
        String down = "{\"status\":503,\"code\":\"DEPENDENCY_UNAVAILABLE\",\"detail\":\"PostgreSQL is unavailable\"}";
        checkpoints.respond("PUT", path, 503, PROBLEM_JSON, down, Map.of("Retry-After", "2"));
        checkpoints.respond("POST", path + "/fork", 503, PROBLEM_JSON, down, Map.of("Retry-After", "2"));

        given().contentType("application/json").body("{\"state\":{}}").when().put(path)
                .then().statusCode(503).header("Retry-After", equalTo("2")).body(equalTo(down));
        given().when().post(path + "/fork")
                .then().statusCode(503).body(equalTo(down));
        assertThat(checkpoints.count("PUT", path)).as("a put is idempotent by id").isEqualTo(3);
        assertThat(checkpoints.count("POST", path + "/fork")).as("a fork that arrived is not repeated").isEqualTo(1);
    }

    @Test
    void anIdThatIsNoUuidIsA404HereAndGoesNowhere() {
        int before = checkpoints.requests().size();
        given().when().get("/api/v1/checkpoints/not-a-thread/llm/latest")
                .then().statusCode(404).contentType(startsWith(PROBLEM_JSON))
                .body("code", equalTo("RECORD_NOT_FOUND"));
        assertThat(checkpoints.requests()).hasSize(before);
    }
}
