package io.zhiyue.shared;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.shared.config.ConnectionUrls;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.shared.json.JsonCodec;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonCodecTest {

    @Test
    void canonicalJsonSortsKeysAndNormalisesNumbers() throws Exception {
        JsonNode a = JsonCodec.mapper().readTree("{\"b\": 1.50, \"a\": [2, {\"z\": 1, \"y\": \"文\"}]}");
        JsonNode b = JsonCodec.mapper().readTree("{\"a\":[2,{\"y\":\"文\",\"z\":1.0}],\"b\":1.5}");
        assertThat(JsonCodec.canonical(a)).isEqualTo("{\"a\":[2,{\"y\":\"文\",\"z\":1}],\"b\":1.5}");
        assertThat(JsonCodec.sha256Hex(JsonCodec.canonical(a))).isEqualTo(JsonCodec.sha256Hex(JsonCodec.canonical(b)));
    }

    @Test
    void envelopeRoundTripsThroughStreamFields() {
        GradingTaskBatch batch = new GradingTaskBatch(UUID.randomUUID(), 7, 100);
        Envelope envelope = Envelope.of(EventType.GRADING_TASK, "demo-school", batch.idempotencyKey(), batch,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        Map<String, String> fields = envelope.toFields();
        Envelope back = Envelope.fromFields(fields);
        assertThat(back).isEqualTo(envelope);
        assertThat(back.payloadAs(GradingTaskBatch.class)).isEqualTo(batch);
    }

    @Test
    void malformedEnvelopeIsRejected() {
        assertThatThrownBy(() -> Envelope.fromFields(Map.of("id", "nope")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void connectionUrlsBecomeQuarkusProperties() {
        Map<String, String> props = ConnectionUrls.quarkusProperties(
                "postgresql://zy:p%40ss@db.local:6543/zhiyue", "redis://cache:6380");
        assertThat(props).containsEntry("quarkus.datasource.jdbc.url", "jdbc:postgresql://db.local:6543/zhiyue")
                .containsEntry("quarkus.datasource.reactive.url", "postgresql://db.local:6543/zhiyue")
                .containsEntry("quarkus.datasource.username", "zy")
                .containsEntry("quarkus.datasource.password", "p@ss")
                .containsEntry("quarkus.redis.hosts", "redis://cache:6380");
        assertThatThrownBy(() -> ConnectionUrls.quarkusProperties("mysql://x/y", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void withoutAJdbcDriverOnlyTheReactiveAndRedisPropertiesAreSet() {
        // shared-model's test class path has no PostgreSQL JDBC driver, like the gateway's
        Map<String, String> props = ConnectionUrls.forThisApplication(
                "postgresql://zy:pw@db.local:6543/zhiyue", "redis://cache:6380");
        assertThat(props).containsEntry("quarkus.datasource.reactive.url", "postgresql://db.local:6543/zhiyue")
                .containsEntry("quarkus.redis.hosts", "redis://cache:6380")
                .doesNotContainKey("quarkus.datasource.jdbc.url");
    }
}
