package io.zhiyue.gateway.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.zhiyue.gateway.support.LiveClient;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class SystemStatusPublisherTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    SystemStatusPublisher publisher;

    @Test
    void announcementsReachTheSystemChannel() {
        try (LiveClient client = LiveClient.connect(ws)) {
            client.subscribe("system");
            client.awaitMessage(m -> m.path("data").path("subscribed").asBoolean());

            publisher.announce("UP");

            JsonNode status = client.awaitMessage(m -> "SYSTEM_STATUS".equals(m.path("type").asText())
                    && publisher.instance().equals(m.path("data").path("instance").asText()));
            assertThat(status.path("channel").asText()).isEqualTo("system");
            assertThat(status.path("data").path("service").asText()).isEqualTo("api-gateway");
            assertThat(status.path("data").path("status").asText()).isEqualTo("UP");
        }
    }
}
