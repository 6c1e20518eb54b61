package io.zhiyue.gateway.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.InjectTracingStub;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/** The operator routes under /api/v1/traces reach tracing-service (and only it) as they came. */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class TraceForwardingTest {

    private static final String PROBLEM_JSON = "application/problem+json";

    @InjectTracingStub
    GradingStub traces;

    @InjectGradingStub
    GradingStub grading;

    @Test
    void everyRouteIsForwardedWithItsPathAndQuery() {
        String trace = newTraceId();
        given().queryParam("filter[service]", "grading-service").queryParam("min_duration_ms", "250")
                .queryParam("page_size", "20")
                .when().get("/api/v1/traces")
                .then().statusCode(200).body("method", equalTo("GET")).body("path", equalTo("/api/v1/traces"))
                .body("query.'filter[service]'", equalTo(List.of("grading-service")))
                .body("query.min_duration_ms", equalTo(List.of("250")));
        given().when().get("/api/v1/traces/" + trace)
                .then().statusCode(200).body("method", equalTo("GET")).body("path", equalTo("/api/v1/traces/" + trace));

        assertThat(traces.requests()).filteredOn(r -> r.path().startsWith("/api/v1/traces")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(grading.requests()).noneMatch(r -> r.path().startsWith("/api/v1/traces"));
    }

    @Test
    void anUnknownTraceIsTheServicesOwn404() {
        String path = "/api/v1/traces/" + newTraceId();
        String unknown = "{\"status\":404,\"code\":\"RECORD_NOT_FOUND\",\"detail\":\"no trace\"}";
        traces.respond("GET", path, 404, PROBLEM_JSON, unknown);

        given().when().get(path)
                .then().statusCode(404).contentType(startsWith(PROBLEM_JSON)).body(equalTo(unknown));
        assertThat(traces.count("GET", path)).isEqualTo(1);
    }

    @Test
    void anIdThatIsNo32LowerCaseHexDigitsIsA404HereAndGoesNowhere() {
        int before = traces.requests().size();
        for (String id : List.of("not-a-trace", newTraceId().substring(1), "4BF92F3577B34DA6A3CE929D0E0E4736")) {
            given().when().get("/api/v1/traces/" + id)
                    .then().statusCode(404).contentType(startsWith(PROBLEM_JSON))
                    .body("code", equalTo("RECORD_NOT_FOUND"));
        }
        assertThat(traces.requests()).hasSize(before);
    }

    private static String newTraceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }
}
