package io.zhiyue.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.zhiyue.gateway.support.LiveClient;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.SystemStatus;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** SYSTEM_STATUS events written to the gateway's outbox reach the {@code system} channel, each once. */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class SystemStatusTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Outbox outbox;

    @Test
    void statusEventsReachTheSystemChannelOnceEvenWhenPublishedTwice() {
        try (LiveClient client = LiveClient.connect(ws)) {
            client.subscribe("system");
            client.awaitMessage(m -> m.path("data").path("subscribed").asBoolean());
            String instance = "test-" + UUID.randomUUID();
            Envelope status = Envelope.of(EventType.SYSTEM_STATUS, TenantHeaders.PLATFORM_TENANT,
                    "system-status:" + instance, new SystemStatus("api-gateway", instance, "UP", Instant.now()), null);

            // the outbox is at-least-once: the same envelope may be published twice
            outbox.inTransaction((tx, events) -> {
                events.add(Streams.EVENTS, status).add(Streams.EVENTS, status);
                return Uni.createFrom().voidItem();
            }).await().atMost(Duration.ofSeconds(5));

            JsonNode received = client.awaitMessage(m -> "SYSTEM_STATUS".equals(m.path("type").asText())
                    && instance.equals(m.path("data").path("instance").asText()));
            assertThat(received.path("channel").asText()).isEqualTo("system");
            assertThat(received.path("data").path("service").asText()).isEqualTo("api-gateway");
            assertThat(received.path("data").path("status").asText()).isEqualTo("UP");
            // a later event proves the feed went past the duplicate without delivering it
            String later = "test-" + UUID.randomUUID();
            outbox.publish(Streams.EVENTS, Envelope.of(EventType.SYSTEM_STATUS, TenantHeaders.PLATFORM_TENANT,
                    "system-status:" + later, new SystemStatus("api-gateway", later, "UP", Instant.now()), null))
                    .await().atMost(Duration.ofSeconds(5));
            client.awaitMessage(m -> later.equals(m.path("data").path("instance").asText()));
            assertThat(client.messages()).filteredOn(m -> instance.equals(m.path("data").path("instance").asText()))
                    .hasSize(1);
        }
    }
}
