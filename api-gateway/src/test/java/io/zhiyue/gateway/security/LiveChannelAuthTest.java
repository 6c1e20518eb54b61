package io.zhiyue.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.LiveClient;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.gateway.support.TestTokens;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.event.SystemStatus;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The live channel's door and walls: a token on the upgrade, channels by role, events within their tenant. */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class LiveChannelAuthTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    RedisDataSource redis;

    @InjectGradingStub
    GradingStub grading;

    @Test
    void anUpgradeWithoutAValidTokenIsRefusedWith401() {
        URI socket = URI.create(ws.toString().replaceFirst("^http", "ws"));
        assertThat(handshakeStatus(socket)).isEqualTo(401);
        assertThat(handshakeStatus(URI.create(socket + "?access_token=not-a-token"))).isEqualTo(401);
    }

    @Test
    void aBrowserMayOfferTheTokenAsTheBearerSubprotocol() {
        URI socket = URI.create(ws.toString().replaceFirst("^http", "ws"));
        WebSocket connected = HttpClient.newHttpClient().newWebSocketBuilder()
                .subprotocols("bearer", TestTokens.staff())
                .buildAsync(socket, new WebSocket.Listener() {
                }).join();
        try {
            assertThat(connected.getSubprotocol()).isEqualTo("bearer");
        } finally {
            connected.abort();
        }
    }

    @Test
    void channelsFollowTheRoles() {
        String student = "stu-" + UUID.randomUUID();
        String job = "job:" + UUID.randomUUID();
        try (LiveClient client = LiveClient.connect(ws, TestTokens.mint("student", TestTokens.TENANT, student))) {
            client.subscribe(job).subscribe("user:someone-else").subscribe("system").subscribe("user:" + student);
            assertThat(errorCode(client, job)).isEqualTo("AUTHORIZATION_ERROR");
            assertThat(errorCode(client, "user:someone-else")).isEqualTo("AUTHORIZATION_ERROR");
            assertThat(errorCode(client, "system")).isEqualTo("AUTHORIZATION_ERROR");
            client.awaitMessage(m -> ("user:" + student).equals(m.path("channel").asText())
                    && m.path("data").path("subscribed").asBoolean());
        }
        try (LiveClient teacher = LiveClient.connect(ws, TestTokens.mint("teacher", TestTokens.TENANT, "t-1"))) {
            teacher.subscribe("system");
            assertThat(errorCode(teacher, "system")).isEqualTo("AUTHORIZATION_ERROR");
        }
    }

    @Test
    void anotherSchoolsJobIsNotFoundAndItsEventsNeverArrive() {
        UUID jobId = UUID.randomUUID();
        String channel = "job:" + jobId;
        grading.respond("GET", "/api/v1/grading-jobs/" + jobId, 200, "application/json",
                "{\"id\":\"" + jobId + "\",\"state\":\"EXECUTING\"}");
        UUID hidden = UUID.randomUUID();
        grading.respond("GET", "/api/v1/grading-jobs/" + hidden, 404, "application/problem+json",
                "{\"code\":\"RECORD_NOT_FOUND\",\"status\":404}");
        try (LiveClient ours = LiveClient.connect(ws, TestTokens.mint("teacher", TestTokens.TENANT, "t-1"));
                LiveClient theirs = LiveClient.connect(ws, TestTokens.mint("teacher", "north-school", "t-2"))) {
            theirs.subscribe("job:" + hidden);
            assertThat(errorCode(theirs, "job:" + hidden)).isEqualTo("RECORD_NOT_FOUND");

            ours.subscribe(channel);
            theirs.subscribe(channel);
            awaitSubscribed(ours, channel);
            awaitSubscribed(theirs, channel);

            append(TestTokens.TENANT, jobId, "COMPLETED");
            append("north-school", jobId, "CANCELLED");
            ours.awaitMessage(m -> "JOB_STATE_CHANGED".equals(m.path("type").asText())
                    && "COMPLETED".equals(m.path("data").path("to").asText()));
            theirs.awaitMessage(m -> "JOB_STATE_CHANGED".equals(m.path("type").asText())
                    && "CANCELLED".equals(m.path("data").path("to").asText()));
            assertThat(theirs.events(channel, "JOB_STATE_CHANGED")).extracting(m -> m.path("data").path("to").asText())
                    .containsExactly("CANCELLED");
            assertThat(ours.events(channel, "JOB_STATE_CHANGED")).extracting(m -> m.path("data").path("to").asText())
                    .containsExactly("COMPLETED");
        }
    }

    @Test
    void aSchoolsAdminHearsItsOwnSchoolsStatusOnTheSystemChannelAndNothingOfThePlatform() {
        String ours = "status-" + UUID.randomUUID();
        String platform = "status-" + UUID.randomUUID();
        try (LiveClient admin = LiveClient.connect(ws, TestTokens.mint("admin", TestTokens.TENANT, "a-1"))) {
            admin.subscribe("system");
            awaitSubscribed(admin, "system");
            status(TenantHeaders.PLATFORM_TENANT, platform);
            status(TestTokens.TENANT, ours);
            admin.awaitMessage(m -> ours.equals(m.path("data").path("instance").asText()));
            assertThat(admin.messages()).noneMatch(m -> platform.equals(m.path("data").path("instance").asText()));
        }
    }

    private void status(String tenant, String instance) {
        redis.stream(String.class).xadd(Streams.EVENTS, Envelope.of(EventType.SYSTEM_STATUS, tenant, "status:" + instance,
                new SystemStatus("probe", instance, "UP", Instant.now()), null).toFields());
    }

    private void append(String tenant, UUID jobId, String to) {
        redis.stream(String.class).xadd(Streams.EVENTS, Envelope.of(EventType.JOB_STATE_CHANGED, tenant,
                "state:" + jobId + ":" + to, new JobStateChanged(jobId, UUID.randomUUID(), "EXECUTING", to, 1, 0, 0,
                        Instant.now()), null).toFields());
    }

    private static void awaitSubscribed(LiveClient client, String channel) {
        client.awaitMessage(m -> channel.equals(m.path("channel").asText()) && m.path("data").path("subscribed").asBoolean());
    }

    private static String errorCode(LiveClient client, String channel) {
        JsonNode error = client.awaitMessage(m -> "ERROR".equals(m.path("type").asText())
                && channel.equals(m.path("channel").asText()));
        return error.path("data").path("code").asText();
    }

    private static int handshakeStatus(URI socket) {
        Throwable failure = catchThrowable(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10)).buildAsync(socket, new WebSocket.Listener() {
                }).join());
        Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
        assertThat(cause).isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) cause).getResponse().statusCode();
    }
}
