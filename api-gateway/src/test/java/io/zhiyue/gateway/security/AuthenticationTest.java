package io.zhiyue.gateway.security;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.devstack.DevTokens;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.gateway.support.TestTokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Every kind of bad token is a 401 problem with a Bearer challenge, and no request reaches a service. */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class AuthenticationTest {

    private static final Set<String> TEACHER = Set.of("teacher");

    @InjectGradingStub
    GradingStub grading;

    static Stream<Arguments> badTokens() throws Exception {
        DevTokens keys = TestTokens.keys();
        String good = TestTokens.mint("teacher", TestTokens.TENANT, "alice");
        String[] parts = good.split("\\.");
        String noneHeader = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        Path otherKeys = Files.createTempDirectory("other-jwt");
        long inAnHour = Instant.now().plusSeconds(3600).getEpochSecond();
        return Stream.of(
                Arguments.of("expired", keys.mint(TEACHER, TestTokens.TENANT, "alice", Duration.ofMinutes(-10)), "expired"),
                Arguments.of("not yet valid", mint(keys, claims -> with(claims, "nbf", inAnHour)), "not valid yet"),
                Arguments.of("malformed", "not-a-token", "malformed"),
                Arguments.of("three bad parts", "a.b.c", "malformed"),
                Arguments.of("wrongly signed",
                        DevTokens.inDirectory(otherKeys).mint(TEACHER, TestTokens.TENANT, "alice", Duration.ofHours(1)),
                        "signature"),
                Arguments.of("alg none", noneHeader + "." + parts[1] + ".", "malformed"),
                Arguments.of("signature of another payload", parts[0] + "." + TestTokens.mint("admin", "other-school", "eve")
                        .split("\\.")[1] + "." + parts[2], "signature"),
                Arguments.of("wrong issuer", mint(keys, claims -> with(claims, "iss", "https://evil.example")), "issuer"),
                Arguments.of("wrong audience", mint(keys, claims -> with(claims, "aud", "another-api")), "audience"),
                Arguments.of("no tenant claim", mint(keys, claims -> {
                    claims.remove("tenant");
                    return claims;
                }), "tenant"),
                Arguments.of("no usable tenant", keys.mint(TEACHER, "two words", "alice", Duration.ofHours(1)), "tenant"));
    }

    private static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        claims.put(name, value);
        return claims;
    }

    private static String mint(DevTokens keys, UnaryOperator<Map<String, Object>> adjust) {
        return keys.mint(TEACHER, TestTokens.TENANT, "alice", Duration.ofHours(1), adjust);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void aBadTokenIsA401ProblemWithABearerChallengeAndReachesNoService(String kind, String token, String detail) {
        String examId = UUID.randomUUID().toString();
        given().header("Authorization", "Bearer " + token).header("X-Request-Id", "bad-" + examId)
                .when().get("/api/v1/exams/{id}", examId)
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer realm=\"zhiyue\""))
                .header("WWW-Authenticate", containsString("error=\"invalid_token\""))
                .header("X-Content-Type-Options", equalTo("nosniff"))
                .body("code", equalTo("AUTHENTICATION_ERROR"))
                .body("status", equalTo(401))
                .body("detail", containsString(detail))
                .body("requestId", equalTo("bad-" + examId))
                .body("detail", not(containsString(token)));
        assertThat(grading.count("GET", "/api/v1/exams/" + examId)).as(kind + " reached grading-service").isZero();
    }

    @Test
    void noTokenIsA401WithAChallengeWithoutErrorCode() {
        String examId = UUID.randomUUID().toString();
        given().header(TestTokens.WITHOUT_TOKEN, "1")
                .when().post("/api/v1/grading-jobs/{id}/start", examId)
                .then().statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"zhiyue\""))
                .body("code", equalTo("AUTHENTICATION_ERROR"))
                .body("requestId", notNullValue());
        assertThat(grading.count("POST", "/api/v1/grading-jobs/" + examId + "/start")).isZero();
    }

    @Test
    void aRestRouteDoesNotTakeTheTokenFromTheQuery() {
        given().header(TestTokens.WITHOUT_TOKEN, "1").queryParam("access_token", TestTokens.staff())
                .when().get("/api/v1/exams")
                .then().statusCode(401);
    }

    @Test
    void aValidTokenPassesAndItsClaimsTravelDownstream() {
        String examId = UUID.randomUUID().toString();
        given().header("Authorization", "Bearer " + TestTokens.mint(Set.of("teacher", "unknown-role"), "north-school", "bob"))
                .when().get("/api/v1/exams/{id}", examId)
                .then().statusCode(200)
                .header("X-Frame-Options", equalTo("DENY"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .body("tenant", equalTo("north-school"))
                .body("subject", equalTo("bob"))
                .body("roles", equalTo("teacher"));
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        given().header(TestTokens.WITHOUT_TOKEN, "1").when().get("/q/health/live").then().statusCode(200);
        given().header(TestTokens.WITHOUT_TOKEN, "1").when().get("/q/metrics").then().statusCode(200);
    }

    @Test
    void corsAnswersTheConfiguredOriginOnly() {
        given().header(TestTokens.WITHOUT_TOKEN, "1").header("Origin", "http://localhost:8080")
                .header("Access-Control-Request-Method", "POST")
                .when().options("/api/v1/exams")
                .then().header("Access-Control-Allow-Origin", equalTo("http://localhost:8080"));
        given().header(TestTokens.WITHOUT_TOKEN, "1").header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .when().options("/api/v1/exams")
                .then().header("Access-Control-Allow-Origin", nullValue());
    }
}
