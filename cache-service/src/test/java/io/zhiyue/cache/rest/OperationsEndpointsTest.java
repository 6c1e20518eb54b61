package io.zhiyue.cache.rest;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.zhiyue.devstack.DevstackTestResource;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * What every service answers operators: liveness, readiness (PostgreSQL required; Redis reported by the cache's
 * own check as a detail, so an outage is "degraded", not "down"), metrics, OpenAPI.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class OperationsEndpointsTest {

    @Test
    void healthMetricsAndOpenApi() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("PostgreSQL"))
                .body("checks.name", not(hasItem("Redis")))
                .body("checks.find { it.name == 'Cache layers' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Cache layers' }.data.degraded", equalTo(false))
                .body("checks.find { it.name == 'Cache layers' }.data.redis", equalTo("in use"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("zhiyue_cache_hits_total{layer=\"local\"}"))
                .body(containsString("zhiyue_cache_misses_total{layer=\"redis\"}"))
                .body(containsString("zhiyue_cache_load_seconds_count{layer=\"postgres\"}"))
                // a histogram with a bucket at each layer's target, which bench cache reads the share within from
                .body(containsString("zhiyue_cache_load_seconds_bucket{layer=\"local\",le=\"1.0E-4\"}"))
                .body(containsString("zhiyue_cache_load_seconds_bucket{layer=\"redis\",le=\"0.002\"}"))
                .body(containsString("zhiyue_cache_degraded 0.0"))
                .body(containsString("zhiyue_cache_invalidations_total"))
                .body(containsString("zhiyue_cache_warmup_entries_total"));
        given().when().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/cache/results/lookup"))
                .body(containsString("/api/v1/cache/results/{questionVersion}/{key}"));
    }
}
