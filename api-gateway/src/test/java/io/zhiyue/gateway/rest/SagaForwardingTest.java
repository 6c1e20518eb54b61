package io.zhiyue.gateway.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.InjectSagaStub;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** The operator routes under /api/v1/sagas reach saga-service (and only it) as they came. */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class SagaForwardingTest {

    @InjectSagaStub
    GradingStub sagas;

    @InjectGradingStub
    GradingStub grading;

    @Test
    void everyRouteIsForwardedWithItsMethodPathQueryAndBody() {
        UUID saga = UUID.randomUUID();
        given().queryParam("filter[state]", "PARKED").queryParam("page_size", "20")
                .when().get("/api/v1/sagas")
                .then().statusCode(200).body("method", equalTo("GET")).body("path", equalTo("/api/v1/sagas"))
                .body("query.'filter[state]'", equalTo(List.of("PARKED"))).body("tenant", equalTo("demo-school"));
        given().when().get("/api/v1/sagas/" + saga)
                .then().statusCode(200).body("path", equalTo("/api/v1/sagas/" + saga));
        String action = "{\"action\":\"retry\",\"step\":1,\"reason\":\"the cache is back\"}";
        given().contentType("application/json").body(action)
                .when().post("/api/v1/sagas/" + saga + "/actions")
                .then().statusCode(200).body("method", equalTo("POST"))
                .body("path", equalTo("/api/v1/sagas/" + saga + "/actions")).body("body", equalTo(action));
        given().when().post("/api/v1/sagas/" + saga + "/cancel")
                .then().statusCode(200).body("path", equalTo("/api/v1/sagas/" + saga + "/cancel"));
        given().when().get("/api/v1/sagas/not-a-saga").then().statusCode(404);

        assertThat(sagas.requests()).filteredOn(r -> r.path().startsWith("/api/v1/sagas")).hasSizeGreaterThanOrEqualTo(4);
        assertThat(grading.requests()).noneMatch(r -> r.path().startsWith("/api/v1/sagas"));
    }
}
