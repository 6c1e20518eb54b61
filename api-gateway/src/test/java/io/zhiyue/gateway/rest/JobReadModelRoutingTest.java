package io.zhiyue.gateway.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.TestTokens;
import io.zhiyue.gateway.stream.JobVersions;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectCacheStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.gateway.ws.JobSnapshots;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingProgress;
import io.zhiyue.gateway.client.DownstreamCallTimer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.resteasy.reactive.client.spi.ResteasyReactiveClientResponseFilter;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * {@code GET /grading-jobs/{id}} is answered by cache-service's read model when it has the job
 * (and the version asked for), else by grading-service; a slow read model costs a short wait,
 * never the answer.
 */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class JobReadModelRoutingTest {

    @InjectCacheStub
    GradingStub cache;

    @InjectGradingStub
    GradingStub grading;

    @Inject
    JobVersions versions;

    @Inject
    JobSnapshots snapshots;

    @Inject
    MeterRegistry registry;

    @Test
    void aJobTheReadModelHasIsAnsweredFromItAndGradingServiceIsNotAsked() {
        String job = UUID.randomUUID().toString();
        cache.respond("GET", "/api/v1/jobs/" + job, 200, "application/json",
                "{\"id\":\"" + job + "\",\"state\":\"EXECUTING\",\"version\":7}");

        given().when().get("/api/v1/grading-jobs/" + job).then().statusCode(200)
                .header("X-ZhiYue-Source", "cache-service")
                .body("state", equalTo("EXECUTING")).body("version", equalTo(7));

        assertThat(cache.count("GET", "/api/v1/jobs/" + job)).isEqualTo(1);
        assertThat(grading.count("GET", "/api/v1/grading-jobs/" + job)).isZero();
        assertThat(cache.last("GET", "/api/v1/jobs/" + job).header("X-ZhiYue-Tenant")).isEqualTo("demo-school");
    }

    @Test
    void eachRelayedCallIsTimedOnceUnderItsPathTemplate() {
        String job = UUID.randomUUID().toString();
        cache.respond("GET", "/api/v1/jobs/" + job, 200, "application/json",
                "{\"id\":\"" + job + "\",\"state\":\"COMPLETED\",\"version\":3}");
        double before = readModelCalls();

        given().when().get("/api/v1/grading-jobs/" + job).then().statusCode(200)
                .header("X-ZhiYue-Source", "cache-service");

        // once: client DownstreamCallTimer times it on the event loop, and Quarkus' own binder (which
        // would time it again, on a worker thread) stays off
        assertThat(readModelCalls() - before).isEqualTo(1);
        assertThat(ConfigProvider.getConfig().getValue("quarkus.micrometer.binder.http-client.enabled", Boolean.class))
                .isFalse();
        assertThat(ResteasyReactiveClientResponseFilter.class).isAssignableFrom(DownstreamCallTimer.class);
    }

    private double readModelCalls() {
        Timer timer = registry.find("http.client.requests").tags("method", "GET", "uri", "/api/v1/jobs/{jobId}",
                "status", "200", "outcome", "SUCCESS").timer();
        return timer == null ? 0 : timer.count();
    }

    @Test
    void aJobTheReadModelHasNotSeenComesFromGradingServiceWithoutTheVersionParameter() {
        String job = UUID.randomUUID().toString();

        given().queryParam("minVersion", "12").when().get("/api/v1/grading-jobs/" + job).then().statusCode(200)
                .header("X-ZhiYue-Source", "grading-service")
                .body("path", equalTo("/api/v1/grading-jobs/" + job));

        assertThat(cache.last("GET", "/api/v1/jobs/" + job).query().get("minVersion")).isEqualTo(List.of("12"));
        assertThat(grading.last("GET", "/api/v1/grading-jobs/" + job).query()).doesNotContainKey("minVersion");
    }

    @Test
    void aSlowReadModelFallsBackToGradingService() {
        String job = UUID.randomUUID().toString();
        cache.respondSlowly("GET", "/api/v1/jobs/" + job, Duration.ofSeconds(10));

        given().when().get("/api/v1/grading-jobs/" + job).then().statusCode(200)
                .body("path", equalTo("/api/v1/grading-jobs/" + job));
        assertThat(grading.count("GET", "/api/v1/grading-jobs/" + job)).isEqualTo(1);
    }

    @Test
    void aLiveSnapshotIsAtLeastAsNewAsTheEventsThisReplicaHasSeen() {
        UUID job = UUID.randomUUID();
        versions.saw(Envelope.of(EventType.GRADING_PROGRESS, "demo-school", "p:" + job,
                new GradingProgress(job, UUID.randomUUID(), "EXECUTING", 10, 4, 0, 0, 0, BigDecimal.valueOf(40), 9L),
                null));
        cache.respond("GET", "/api/v1/jobs/" + job, 200, "application/json",
                "{\"id\":\"" + job + "\",\"state\":\"EXECUTING\",\"version\":9}");

        JsonNode snapshot = snapshots.snapshotOf(TestTokens.TENANT, "job:" + job, 0).await().atMost(Duration.ofSeconds(10));

        assertThat(snapshot.path("version").asLong()).isEqualTo(9);
        assertThat(cache.last("GET", "/api/v1/jobs/" + job).query().get("minVersion")).isEqualTo(List.of("9"));
        assertThat(grading.count("GET", "/api/v1/grading-jobs/" + job)).isZero();
    }

    @Test
    void aMalformedMinVersionIsRefusedAndNothingIsAsked() {
        String job = UUID.randomUUID().toString();
        for (String bad : List.of("0", "-3", "abc", "1.5")) {
            given().queryParam("minVersion", bad).when().get("/api/v1/grading-jobs/" + job).then().statusCode(400)
                    .contentType(containsString("application/problem+json")).body("code", equalTo("VALIDATION_ERROR"))
                    .body("errors[0].field", equalTo("minVersion"));
        }
        assertThat(cache.count("GET", "/api/v1/jobs/" + job)).isZero();
        assertThat(grading.count("GET", "/api/v1/grading-jobs/" + job)).isZero();
    }

    @Test
    void aReadWithOtherParametersGoesStraightToGradingService() {
        String job = UUID.randomUUID().toString();
        given().queryParam("fields", "state").when().get("/api/v1/grading-jobs/" + job).then().statusCode(200)
                .body("query.fields", equalTo(List.of("state")));
        assertThat(cache.count("GET", "/api/v1/jobs/" + job)).isZero();
    }
}
