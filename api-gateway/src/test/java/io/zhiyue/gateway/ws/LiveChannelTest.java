package io.zhiyue.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.XTrimArgs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.config.GatewayConfig;
import io.zhiyue.gateway.support.GradingStub;
import io.zhiyue.gateway.support.InjectGradingStub;
import io.zhiyue.gateway.support.LiveClient;
import io.zhiyue.gateway.support.TestTokens;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.streams.publish.StreamPublisher;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingProgress;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.event.ReviewItemChanged;
import io.zhiyue.shared.event.SystemStatus;
import io.zhiyue.shared.stream.ChannelHistory;
import io.zhiyue.shared.stream.StreamId;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class LiveChannelTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    RedisDataSource redis;

    @Inject
    StreamPublisher publisher;

    @Inject
    GatewayConfig config;

    @InjectGradingStub
    GradingStub grading;

    @Test
    void pingIsAnsweredWithPong() {
        try (LiveClient client = LiveClient.connect(ws)) {
            client.send("{\"type\":\"PING\"}");
            client.awaitMessage(m -> "PONG".equals(m.path("type").asText()));
        }
    }

    @Test
    void badMessagesAreAnsweredWithErrorsAndTheConnectionStaysOpen() {
        try (LiveClient client = LiveClient.connect(ws)) {
            client.send("{not json");
            client.send("{\"type\":\"SUBSCRIBE\",\"channel\":\"exam:42\"}");
            client.send("{\"type\":\"SUBSCRIBE\",\"channel\":\"job:not-a-uuid\"}");
            client.send("{\"type\":\"DANCE\"}");
            client.send("[1,2,3]");
            client.send("{\"type\":\"SUBSCRIBE\",\"channel\":\"job:" + UUID.randomUUID()
                    + "\",\"lastEventId\":\"yesterday\"}");

            await().atMost(WAIT).until(() -> errors(client).size() == 6);
            assertThat(errors(client)).allSatisfy(error -> {
                assertThat(error.path("data").path("code").asText()).isEqualTo("VALIDATION_ERROR");
                assertThat(error.path("data").path("message").asText()).isNotBlank().doesNotContain("Exception");
            });
            assertThat(errors(client).get(0).path("data").path("message").asText()).contains("JSON");
            assertThat(errors(client).get(1).path("data").path("message").asText()).contains("exam:42");

            client.send("{\"type\":\"PING\"}");
            client.awaitMessage(m -> "PONG".equals(m.path("type").asText()));
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void eventsFanOutOnlyToSubscribersOfTheirChannelWithIncreasingStreamIds() {
        UUID jobA = UUID.randomUUID();
        UUID jobB = UUID.randomUUID();
        grading.respond("GET", "/api/v1/grading-jobs/" + jobA, 200, "application/json",
                "{\"id\":\"" + jobA + "\",\"state\":\"EXECUTING\",\"total\":3,\"graded\":0}");
        try (LiveClient alice = LiveClient.connect(ws); LiveClient bob = LiveClient.connect(ws)) {
            alice.subscribe("job:" + jobA);
            bob.subscribe("job:" + jobB);
            JsonNode aliceStatus = awaitStatus(alice, "job:" + jobA);
            awaitStatus(bob, "job:" + jobB);
            assertThat(aliceStatus.path("data").path("subscribed").asBoolean()).isTrue();
            assertThat(aliceStatus.path("data").path("snapshot").path("state").asText()).isEqualTo("EXECUTING");

            List<String> idsForA = new ArrayList<>();
            idsForA.add(progress(jobA, 1, 3));
            String idForB = progress(jobB, 1, 2);
            idsForA.add(progress(jobA, 2, 3));
            idsForA.add(stateChanged(jobA, "EXECUTING", "PAUSED"));

            await().atMost(WAIT).until(() -> events(alice, "job:" + jobA).size() == 3);
            await().atMost(WAIT).until(() -> events(bob, "job:" + jobB).size() == 1);

            List<JsonNode> aliceEvents = events(alice, "job:" + jobA);
            assertThat(aliceEvents).extracting(m -> m.path("id").asText()).containsExactlyElementsOf(idsForA);
            assertThat(aliceEvents).extracting(m -> m.path("type").asText())
                    .containsExactly("GRADING_PROGRESS", "GRADING_PROGRESS", "JOB_STATE_CHANGED");
            assertThat(aliceEvents.get(1).path("data").path("graded").asInt()).isEqualTo(2);
            assertThat(aliceEvents.get(2).path("data").path("to").asText()).isEqualTo("PAUSED");
            assertIncreasing(alice.onChannel("job:" + jobA));
            assertThat(alice.onChannel("job:" + jobB)).isEmpty();

            assertThat(bob.onChannel("job:" + jobB)).hasSize(2);
            assertThat(events(bob, "job:" + jobB).get(0).path("id").asText()).isEqualTo(idForB);
            assertThat(bob.onChannel("job:" + jobA)).isEmpty();
        }
    }

    @Test
    void unsubscribedChannelsStopDelivering() {
        UUID job = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        try (LiveClient client = LiveClient.connect(ws)) {
            client.subscribe("job:" + job);
            awaitStatus(client, "job:" + job);
            client.send("{\"type\":\"UNSUBSCRIBE\",\"channel\":\"job:" + job + "\"}");
            client.subscribe("job:" + other);
            awaitStatus(client, "job:" + other);

            progress(job, 1, 10);
            String otherId = progress(other, 1, 10);

            await().atMost(WAIT).until(() -> events(client, "job:" + other).size() == 1);
            assertThat(events(client, "job:" + other).get(0).path("id").asText()).isEqualTo(otherId);
            assertThat(events(client, "job:" + job)).isEmpty();
        }
    }

    @Test
    void resumeReplaysExactlyTheMissedEventsInOrderThenContinuesLive() {
        UUID job = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        String lastSeen;
        try (LiveClient first = LiveClient.connect(ws)) {
            first.subscribe("job:" + job);
            awaitStatus(first, "job:" + job);
            progress(job, 1, 100);
            String second = progress(job, 2, 100);
            await().atMost(WAIT).until(() -> events(first, "job:" + job).size() == 2);
            lastSeen = events(first, "job:" + job).get(1).path("id").asText();
            assertThat(lastSeen).isEqualTo(second);
        }

        List<String> missed = new ArrayList<>();
        missed.add(progress(job, 3, 100));
        for (int i = 0; i < 10; i++) {
            progress(other, i, 100);
        }
        missed.add(stateChanged(job, "EXECUTING", "PAUSED"));
        for (int i = 0; i < 10; i++) {
            progress(other, i, 100);
        }
        missed.add(stateChanged(job, "PAUSED", "EXECUTING"));
        missed.add(progress(job, 4, 100));

        try (LiveClient again = LiveClient.connect(ws)) {
            again.subscribe("job:" + job, lastSeen);
            await().atMost(WAIT).until(() -> again.onChannel("job:" + job).size() == missed.size());
            missed.add(progress(job, 5, 100));
            await().atMost(WAIT).until(() -> again.onChannel("job:" + job).size() == missed.size());

            assertThat(again.onChannel("job:" + job)).extracting(m -> m.path("id").asText())
                    .containsExactlyElementsOf(missed);
            assertThat(again.onChannel("job:" + other)).isEmpty();
        }
    }

    @Test
    void resumeWhileEventsKeepArrivingHasNoGapsOrDuplicates() throws Exception {
        UUID job = UUID.randomUUID();
        String start = progress(job, 0, 1000);
        List<String> published = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            published.add(progress(job, i, 1000));
        }
        try (LiveClient client = LiveClient.connect(ws)) {
            CompletableFuture<List<String>> more = CompletableFuture.supplyAsync(() -> {
                List<String> ids = new ArrayList<>();
                for (int i = 41; i <= 160; i++) {
                    ids.add(progress(job, i, 1000));
                }
                return ids;
            });
            client.subscribe("job:" + job, start);
            published.addAll(more.get());

            await().atMost(WAIT).until(() -> client.onChannel("job:" + job).size() >= published.size());
            assertThat(client.onChannel("job:" + job)).extracting(m -> m.path("id").asText())
                    .containsExactlyElementsOf(published);
        }
    }

    @Test
    void staleLastEventIdGetsRecoveredFalseWithASnapshotThenLiveEvents() {
        UUID job = UUID.randomUUID();
        grading.respond("GET", "/api/v1/grading-jobs/" + job, 200, "application/json",
                "{\"id\":\"" + job + "\",\"state\":\"EXECUTING\",\"total\":10,\"graded\":7,\"percent\":70}");
        String stale = progress(job, 1, 10);
        progress(job, 2, 10);
        // the channel's history lost the event after `stale`: trimmed while the client was away
        stream().xtrim(ChannelHistory.key(TestTokens.TENANT, "job:" + job), new XTrimArgs().maxlen(0));

        try (LiveClient client = LiveClient.connect(ws)) {
            client.subscribe("job:" + job, stale);
            JsonNode status = awaitStatus(client, "job:" + job);
            assertThat(status.path("data").path("recovered").asBoolean(true)).isFalse();
            assertThat(status.path("data").path("snapshot").path("graded").asInt()).isEqualTo(7);
            assertThat(status.has("id")).isTrue();

            String live = progress(job, 8, 10);
            await().atMost(WAIT).until(() -> events(client, "job:" + job).size() == 1);
            assertThat(events(client, "job:" + job).get(0).path("id").asText()).isEqualTo(live);
            assertIncreasing(client.onChannel("job:" + job));
        }
    }

    @Test
    void aLastEventIdBeyondTheStreamsEndGetsRecoveredFalse() {
        UUID job = UUID.randomUUID();
        progress(job, 1, 10);
        String future = (System.currentTimeMillis() + Duration.ofDays(1).toMillis()) + "-0";

        try (LiveClient client = LiveClient.connect(ws)) {
            client.subscribe("job:" + job, future);
            JsonNode status = awaitStatus(client, "job:" + job);
            assertThat(status.path("data").path("recovered").asBoolean(true)).isFalse();
            String live = progress(job, 2, 10);
            await().atMost(WAIT).until(() -> events(client, "job:" + job).size() == 1);
            assertThat(events(client, "job:" + job).get(0).path("id").asText()).isEqualTo(live);
        }
    }

    @Test
    void aUserHoldsAtMostTheCappedNumberOfConnections() {
        String token = TestTokens.mint("teacher", TestTokens.TENANT, "many-tabs-" + UUID.randomUUID());
        List<LiveClient> tabs = new ArrayList<>();
        int cap = config.maxConnectionsPerUser();
        try {
            for (int i = 0; i < cap; i++) {
                LiveClient tab = LiveClient.connect(ws, token);
                tabs.add(tab);
                tab.send("{\"type\":\"PING\"}");
                tab.awaitMessage(m -> "PONG".equals(m.path("type").asText()));
            }
            LiveClient oneTooMany = LiveClient.connect(ws, token);
            tabs.add(oneTooMany);
            await().atMost(WAIT).until(oneTooMany::isClosed);
            assertThat(oneTooMany.closeCode()).isEqualTo(1008);
            assertThat(tabs.subList(0, cap)).noneMatch(LiveClient::isClosed);

            tabs.remove(0).close();
            await().atMost(WAIT).untilAsserted(() -> {
                try (LiveClient again = LiveClient.connect(ws, token)) {
                    again.send("{\"type\":\"PING\"}");
                    again.awaitMessage(m -> "PONG".equals(m.path("type").asText()));
                    assertThat(again.isClosed()).as("a closed tab frees its place").isFalse();
                }
            });
        } finally {
            tabs.forEach(LiveClient::close);
        }
    }

    @Test
    void aSilentClientIsEvictedWhileOneThatAnswersPingsStays() {
        double evictedBefore = counter("zhiyue_gateway_live_idle_evicted_total");
        try (LiveClient quiet = LiveClient.connect(ws); LiveClient frozen = LiveClient.connectStalled(ws)) {
            frozen.awaitMessage(m -> true);
            // the frozen tab reads nothing more, so it answers no ping; the quiet one sends nothing but its pongs
            await().atMost(WAIT).until(() -> counter("zhiyue_gateway_live_idle_evicted_total") > evictedBefore);
            await().during(Duration.ofSeconds(StubbedGradingProfile.IDLE_TIMEOUT_SECONDS + 1))
                    .atMost(Duration.ofSeconds(StubbedGradingProfile.IDLE_TIMEOUT_SECONDS * 3L))
                    .until(() -> !quiet.isClosed());
        }
    }

    @Test
    void systemChannelCarriesSystemStatus() {
        String instance = "probe-" + UUID.randomUUID();
        try (LiveClient client = LiveClient.connect(ws)) {
            client.subscribe("system");
            JsonNode status = awaitStatus(client, "system");
            assertThat(status.path("data").path("snapshot").isNull()).isTrue();

            appendAs(TenantHeaders.PLATFORM_TENANT, EventType.SYSTEM_STATUS, "system-status:" + instance,
                    new SystemStatus("probe", instance, "UP", Instant.now()));

            JsonNode event = client.awaitMessage(m -> "system".equals(m.path("channel").asText())
                    && instance.equals(m.path("data").path("instance").asText()));
            assertThat(event.path("type").asText()).isEqualTo("SYSTEM_STATUS");
            assertThat(event.path("id").asText()).matches("\\d+-\\d+");
        }
    }

    @Test
    void aPlatformAdminResumesThePlatformsSystemChannel() {
        String seen = appendAs(TenantHeaders.PLATFORM_TENANT, EventType.SYSTEM_STATUS, "system-status:" + UUID.randomUUID(),
                new SystemStatus("probe", "before", "UP", Instant.now()));
        String instance = "missed-" + UUID.randomUUID();
        String missed = appendAs(TenantHeaders.PLATFORM_TENANT, EventType.SYSTEM_STATUS, "system-status:" + instance,
                new SystemStatus("probe", instance, "UP", Instant.now()));

        try (LiveClient client = LiveClient.connect(ws)) {
            client.subscribe("system", seen);
            JsonNode event = client.awaitMessage(m -> "system".equals(m.path("channel").asText())
                    && instance.equals(m.path("data").path("instance").asText()));
            assertThat(event.path("id").asText()).isEqualTo(missed);
            assertThat(client.onChannel("system")).noneMatch(m -> m.path("data").has("recovered"));
        }
    }

    @Test
    void theExamChannelCarriesEveryJobOfTheExamAndItsReviewQueueAndResumes() {
        UUID exam = UUID.randomUUID();
        UUID jobA = UUID.randomUUID();
        UUID jobB = UUID.randomUUID();
        List<String> ids = new ArrayList<>();
        try (LiveClient client = LiveClient.connect(ws)) {
            client.subscribe("exam:" + exam);
            awaitStatus(client, "exam:" + exam);
            ids.add(progress(jobA, exam, 1, 3));
            progress(UUID.randomUUID(), UUID.randomUUID(), 1, 3);
            ids.add(progress(jobB, exam, 1, 2));
            ids.add(append(EventType.REVIEW_ITEM_CHANGED, "review:" + UUID.randomUUID() + ":THIRD_MARK",
                    new ReviewItemChanged(exam, jobA, UUID.randomUUID(), 1, "THIRD_MARK", Instant.now())));
            await().atMost(WAIT).until(() -> events(client, "exam:" + exam).size() == 3);
            assertThat(events(client, "exam:" + exam)).extracting(m -> m.path("id").asText())
                    .containsExactlyElementsOf(ids);
            assertThat(events(client, "exam:" + exam)).extracting(m -> m.path("type").asText())
                    .containsExactly("GRADING_PROGRESS", "GRADING_PROGRESS", "REVIEW_ITEM_CHANGED");
        }
        // a client that saw only the first resumes with exactly the others, in order
        try (LiveClient again = LiveClient.connect(ws)) {
            again.subscribe("exam:" + exam, ids.get(0));
            await().atMost(WAIT).until(() -> again.onChannel("exam:" + exam).size() == 2);
            assertThat(again.onChannel("exam:" + exam)).extracting(m -> m.path("id").asText())
                    .containsExactlyElementsOf(ids.subList(1, 3));
        }
    }

    @Test
    void heartbeatsArriveOnIdleConnections() {
        try (LiveClient client = LiveClient.connect(ws)) {
            JsonNode heartbeat = client.awaitMessage(m -> "HEARTBEAT".equals(m.path("type").asText()));
            assertThat(Instant.parse(heartbeat.path("data").path("at").asText())).isBeforeOrEqualTo(Instant.now());
        }
    }

    @Test
    void closedConnectionsAreForgottenAndCounted() {
        double disconnectsBefore = counter("zhiyue_gateway_live_disconnects_total");
        try (LiveClient client = LiveClient.connect(ws)) {
            client.subscribe("job:" + UUID.randomUUID());
            client.send("{\"type\":\"PING\"}");
            client.awaitMessage(m -> "PONG".equals(m.path("type").asText()));
        }
        await().atMost(WAIT).until(() -> openConnections() == 0);
        assertThat(counter("zhiyue_gateway_live_disconnects_total")).isGreaterThanOrEqualTo(disconnectsBefore + 1);
    }

    private static double openConnections() {
        return counter("zhiyue_gateway_live_connections");
    }

    private static double counter(String name) {
        String metrics = io.restassured.RestAssured.get("/q/metrics").asString();
        return metrics.lines().filter(line -> line.startsWith(name))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(-1);
    }

    private static List<JsonNode> errors(LiveClient client) {
        return client.messages().stream().filter(m -> "ERROR".equals(m.path("type").asText())).toList();
    }

    /** Events of a channel, without the subscription's own SYSTEM_STATUS. */
    private static List<JsonNode> events(LiveClient client, String channel) {
        return client.onChannel(channel).stream()
                .filter(m -> !m.path("data").has("subscribed") && !m.path("data").has("recovered"))
                .toList();
    }

    private static JsonNode awaitStatus(LiveClient client, String channel) {
        return client.awaitMessage(m -> "SYSTEM_STATUS".equals(m.path("type").asText())
                && channel.equals(m.path("channel").asText())
                && (m.path("data").has("subscribed") || m.path("data").has("recovered")));
    }

    private static void assertIncreasing(List<JsonNode> messages) {
        List<io.zhiyue.shared.stream.StreamId> ids = messages.stream()
                .filter(m -> m.hasNonNull("id"))
                .map(m -> io.zhiyue.shared.stream.StreamId.parse(m.path("id").asText()))
                .toList();
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).isGreaterThan(ids.get(i - 1));
        }
    }

    private String progress(UUID job, int graded, int total) {
        return progress(job, UUID.randomUUID(), graded, total);
    }

    private String progress(UUID job, UUID exam, int graded, int total) {
        BigDecimal percent = BigDecimal.valueOf(graded * 100L).divide(BigDecimal.valueOf(total), 2, RoundingMode.DOWN);
        return append(EventType.GRADING_PROGRESS, "progress:" + job + ":" + graded,
                new GradingProgress(job, exam, "EXECUTING", total, graded, 0, 0, 0, percent, graded + 3L));
    }

    private String stateChanged(UUID job, String from, String to) {
        return append(EventType.JOB_STATE_CHANGED, "state:" + job + ":" + to + ":" + UUID.randomUUID(),
                new JobStateChanged(job, UUID.randomUUID(), from, to, 100, 0, 0, Instant.now()));
    }

    private String append(EventType type, String key, Object payload) {
        return appendAs(TestTokens.TENANT, type, key, payload);
    }

    private String appendAs(String tenant, EventType type, String key, Object payload) {
        return publisher.publish(Streams.EVENTS, Envelope.of(type, tenant, key, payload, null)).await().atMost(WAIT);
    }

    private StreamCommands<String, String, String> stream() {
        return redis.stream(String.class);
    }
}
