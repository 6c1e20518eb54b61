package io.zhiyue.gateway.stream;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.gateway.support.StubbedGradingProfile;
import io.zhiyue.gateway.support.TestTokens;
import io.zhiyue.shared.event.DataDeletionConfirmed;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.UserNotification;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.ChannelHistory;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.publish.StreamPublisher;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway's part of an erasure: the student's live channel history and the notifications to them in their exam's
 * channel history go (another student's stay), and the
 * gateway confirms through its outbox; the same request again confirms with nothing more removed.
 */
@QuarkusTest
@TestProfile(StubbedGradingProfile.class)
class LiveHistoryErasureTest {

    private static final String TENANT = TestTokens.TENANT;

    @Inject
    StreamPublisher publisher;

    @Inject
    RedisDataSource redis;

    @Inject
    Pool pool;

    @Test
    void anErasedStudentsLiveHistoryGoesAndTheGatewayConfirms() {
        String erased = "stu-" + UUID.randomUUID();
        String kept = "stu-" + UUID.randomUUID();
        UUID exam = UUID.randomUUID();
        notify(erased, exam);
        notify(kept, exam);
        assertThat(redis.key().exists(history(erased))).isTrue();
        assertThat(examNotificationsTo(exam)).containsExactly(erased, kept);

        DataDeletionRequested request = new DataDeletionRequested(UUID.randomUUID(), DataDeletionRequested.Kind.STUDENT,
                List.of(exam), List.of(), List.of(), List.of(), erased, "erased-" + UUID.randomUUID(),
                Instant.now());
        publisher.publish(Streams.LIFECYCLE, request.envelope(TENANT)).await().indefinitely();
        await().atMost(Duration.ofSeconds(15)).until(() -> confirmations(request.requestId()).size() == 1);
        assertThat(redis.key().exists(history(erased))).isFalse();
        assertThat(redis.key().exists(history(kept))).isTrue();
        DataDeletionConfirmed confirmed = confirmations(request.requestId()).get(0);
        assertThat(confirmed.service()).isEqualTo("api-gateway");
        assertThat(confirmed.removed()).containsEntry("liveHistories", 1L).containsEntry("examChannelNotifications", 1L);
        // the exam's channel keeps the other student's notification, not the erased one's
        assertThat(examNotificationsTo(exam)).containsExactly(kept);

        // delivered again: confirmed again, nothing more to remove
        publisher.publish(Streams.LIFECYCLE, request.envelope(TENANT)).await().indefinitely();
        await().atMost(Duration.ofSeconds(15)).until(() -> confirmations(request.requestId()).size() == 2);
        assertThat(confirmations(request.requestId()).get(1).removed()).containsEntry("liveHistories", 0L)
                .containsEntry("examChannelNotifications", 0L);
    }

    private List<String> examNotificationsTo(UUID exam) {
        return redis.stream(String.class).xrange(ChannelHistory.key(TENANT, "exam:" + exam),
                        io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")).stream()
                .map(entry -> Envelope.fromFields(entry.payload()).payload().path("studentId").asText()).toList();
    }

    private void notify(String student, UUID exam) {
        UserNotification notification = new UserNotification(UserNotification.SCORE_OVERRIDDEN, exam,
                UUID.randomUUID(), UUID.randomUUID(), student, 1, BigDecimal.ONE, BigDecimal.TWO, "recount",
                Instant.now());
        publisher.publish(Streams.EVENTS, Envelope.of(EventType.USER_NOTIFICATION, TENANT, "n:" + student,
                notification, null)).await().indefinitely();
    }

    private static String history(String student) {
        return ChannelHistory.key(TENANT, "user:" + student);
    }

    private List<DataDeletionConfirmed> confirmations(UUID requestId) {
        return pool.preparedQuery("SELECT payload FROM outbox WHERE key = $1 ORDER BY id")
                .execute(Tuple.of("deletion:" + requestId + ":api-gateway")).await().indefinitely().stream()
                .map((Row row) -> JsonCodec.read(row.getString("payload"), DataDeletionConfirmed.class)).toList();
    }
}
