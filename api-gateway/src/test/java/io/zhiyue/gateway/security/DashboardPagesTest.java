package io.zhiyue.gateway.security;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.gateway.support.TestTokens;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;

/**
 * The dashboard's pages are served by the gateway itself without a token (a page holds no data; its scripts call the
 * API with the signed-in person's token), with a CSP that lets them load only the gateway's own scripts and styles
 * and talk only to the gateway; the API keeps its nothing-loads policy; the chart library comes from its WebJar.
 */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class DashboardPagesTest {

    @Test
    void thePageAndItsScriptsNeedNoTokenAndCarryThePagePolicy() {
        given().header(TestTokens.WITHOUT_TOKEN, "1").when().get("/").then().statusCode(200)
                .contentType(startsWith("text/html"))
                .header("Content-Security-Policy", equalTo(SecurityHeaders.PAGE_POLICY))
                .header("X-Frame-Options", equalTo("DENY"))
                .body(containsString("/dashboard/app.js"), containsString("/webjars/chart.js/dist/chart.umd.js"));
        for (String script : new String[] {"app.js", "api.js", "live.js", "i18n.js", "dom.js", "exams.js", "job.js",
                "marking.js", "quality.js", "ops.js", "charts.js"}) {
            given().header(TestTokens.WITHOUT_TOKEN, "1").when().get("/dashboard/" + script).then().statusCode(200)
                    .contentType(containsString("javascript"))
                    .header("Content-Security-Policy", equalTo(SecurityHeaders.PAGE_POLICY));
        }
        given().header(TestTokens.WITHOUT_TOKEN, "1").when().get("/dashboard/app.css").then().statusCode(200)
                .contentType(startsWith("text/css"));
    }

    @Test
    void theChartLibraryIsServedFromItsWebJarByAPathWithoutItsVersion() {
        given().header(TestTokens.WITHOUT_TOKEN, "1").when().get("/webjars/chart.js/dist/chart.umd.js").then()
                .statusCode(200).contentType(containsString("javascript"))
                .header("Content-Length", Integer::parseInt, greaterThan(100_000));
    }

    @Test
    void theApiKeepsItsPolicyAndStillWantsAToken() {
        given().header(TestTokens.WITHOUT_TOKEN, "1").when().get("/api/v1/exams").then().statusCode(401)
                .header("Content-Security-Policy", equalTo(SecurityHeaders.API_POLICY));
        given().when().get("/q/health/live").then().statusCode(200)
                .header("Content-Security-Policy", equalTo(SecurityHeaders.API_POLICY));
    }
}
