package io.zhiyue.gateway.ws;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.zhiyue.gateway.support.LiveClient;
import io.zhiyue.gateway.support.SlowClientProfile;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.stream.Streams;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@TestProfile(SlowClientProfile.class)
class SlowClientTest {

    /** Enough state changes (never coalesced) to fill loopback socket buffers several times over. */
    private static final int EVENTS = 160;
    private static final String PADDING = "x".repeat(128 * 1024);

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    RedisDataSource redis;

    @Test
    void aStalledClientIsDisconnectedWithoutHoldingUpOthers() {
        UUID job = UUID.randomUUID();
        String channel = "job:" + job;
        double closedBefore = slowClosedCount();
        try (LiveClient stalled = LiveClient.connectStalled(ws); LiveClient healthy = LiveClient.connect(ws)) {
            stalled.subscribe(channel);
            healthy.subscribe(channel);
            healthy.awaitMessage(m -> channel.equals(m.path("channel").asText()));
            stalled.awaitMessage(m -> channel.equals(m.path("channel").asText()));

            List<String> published = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                published.add(stateChange(job, i));
                int expected = published.size();
                await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(15))
                        .until(() -> events(healthy, channel).size() == expected);
            }

            assertThat(events(healthy, channel)).extracting(m -> m.path("id").asText())
                    .containsExactlyElementsOf(published);
            await().atMost(Duration.ofSeconds(15)).until(() -> slowClosedCount() > closedBefore);
            assertThat(healthy.isClosed()).isFalse();
        }
    }

    private static List<JsonNode> events(LiveClient client, String channel) {
        return client.onChannel(channel).stream()
                .filter(m -> "JOB_STATE_CHANGED".equals(m.path("type").asText()))
                .toList();
    }

    private String stateChange(UUID job, int sequence) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("jobId", job.toString());
        payload.put("from", sequence % 2 == 0 ? "EXECUTING" : "PAUSED");
        payload.put("to", sequence % 2 == 0 ? "PAUSED" : "EXECUTING");
        payload.put("padding", PADDING);
        Envelope envelope = Envelope.of(EventType.JOB_STATE_CHANGED, "demo-school",
                "state:" + job + ":" + sequence, payload, null);
        return redis.stream(String.class).xadd(Streams.EVENTS, envelope.toFields());
    }

    private static double slowClosedCount() {
        return RestAssured.get("/q/metrics").asString().lines()
                .filter(line -> line.startsWith("zhiyue_gateway_live_slow_closed_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }
}
