package io.zhiyue.gateway.security;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.gateway.support.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Past its limit a caller gets a 429 problem with Retry-After, and every limited answer the RateLimit headers. */
@QuarkusTest
@TestProfile(RateLimitedRoutesTest.SmallLimits.class)
class RateLimitedRoutesTest {

    static final int READS = 4;

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new StubbedGradingProfile().getConfigOverrides());
            config.put("zhiyue.rate-limit.reads.subject.limit", Integer.toString(READS));
            config.put("zhiyue.rate-limit.reads.tenant.limit", "1000");
            config.put("zhiyue.rate-limit.streams.subject.limit", "1");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return new StubbedGradingProfile().testResources();
        }
    }

    @InjectGradingStub
    GradingStub grading;

    @Test
    void pastTheLimitA429WithRetryAfterAndTheServiceIsNotCalled() {
        String token = TestTokens.mint("teacher", TestTokens.TENANT, "reader-" + UUID.randomUUID());
        String examId = UUID.randomUUID().toString();
        for (int i = 0; i < READS; i++) {
            given().header("Authorization", "Bearer " + token).when().get("/api/v1/exams/{id}", examId)
                    .then().statusCode(200)
                    .header("RateLimit-Policy", containsString("\"subject\";q=" + READS + ";w=60"))
                    .header("RateLimit", containsString("r=" + (READS - 1 - i)));
        }
        Response refused = given().header("Authorization", "Bearer " + token).header("X-Request-Id", "over-" + examId)
                .when().get("/api/v1/exams/{id}", examId);
        refused.then().statusCode(429)
                .contentType("application/problem+json")
                .body("code", equalTo("RATE_LIMITED"))
                .body("requestId", equalTo("over-" + examId))
                .header("RateLimit", containsString("\"subject\";r=0"));
        assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 62);
        assertThat(grading.count("GET", "/api/v1/exams/" + examId)).isEqualTo(READS);

        String someoneElse = TestTokens.mint("teacher", TestTokens.TENANT, "reader-" + UUID.randomUUID());
        given().header("Authorization", "Bearer " + someoneElse).when().get("/api/v1/exams/{id}", examId)
                .then().statusCode(200);
    }

    @TestHTTPResource("/ws")
    URI ws;

    @Test
    void liveChannelUpgradesCountAsStreams() {
        String token = TestTokens.mint("teacher", TestTokens.TENANT, "watcher-" + UUID.randomUUID());
        URI socket = URI.create(ws.toString().replaceFirst("^http", "ws") + "?access_token=" + token);
        WebSocket first = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(socket, new WebSocket.Listener() {
        }).join();
        try {
            Throwable refused = catchThrowable(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(socket, new WebSocket.Listener() {
                    }).join());
            assertThat(refused).hasCauseInstanceOf(WebSocketHandshakeException.class);
            HttpResponse<?> response = ((WebSocketHandshakeException) refused.getCause()).getResponse();
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
        } finally {
            first.abort();
        }
    }

    @Test
    void aRefusedCallerIsStillRefusedForBadCredentialsFirst() {
        given().header("Authorization", "Bearer nonsense").when().get("/api/v1/exams")
                .then().statusCode(401);
    }
}
