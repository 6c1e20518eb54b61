package io.zhiyue.gateway.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.stream.ChannelHistory;
import io.zhiyue.streams.lifecycle.DataDeletionHandler;
import io.zhiyue.streams.lifecycle.DataDeletionParticipant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The gateway's part of an erasure (README "Data lifecycle"): the student's live channel history
 * ({@code user:<studentId>}, events that name them) is deleted, and so are the notifications to them in their
 * exams' channel histories, so no resume replays them. Nothing else the gateway
 * keeps names a student or an answer; a deletion of answers, an upload or an exam is confirmed with nothing removed
 * (its channels' histories hold progress and scores by id, and expire with their TTL).
 */
@ApplicationScoped
public class LiveHistoryErasure implements DataDeletionHandler {

    private final ReactiveRedisDataSource redis;
    private final DataDeletionParticipant participant;

    LiveHistoryErasure(ReactiveRedisDataSource redis, DataDeletionParticipant participant) {
        this.redis = redis;
        this.participant = participant;
    }

    void onStart(@Observes StartupEvent event) {
        participant.serve(this);
    }

    @Override
    public Uni<Map<String, Long>> delete(SqlConnection tx, String tenant, DataDeletionRequested request) {
        if (request.kind() != DataDeletionRequested.Kind.STUDENT || request.studentId() == null) {
            return Uni.createFrom().item(Map.of());
        }
        Uni<Long> notifications = Multi.createFrom().iterable(request.examIds())
                .onItem().transformToUniAndConcatenate(exam -> notificationsOf(tenant, exam, request.studentId()))
                .collect().with(Collectors.summingLong(Long::longValue));
        return redis.key().del(ChannelHistory.key(tenant, "user:" + request.studentId()))
                .chain(histories -> notifications.map(removed -> Map.of("liveHistories", (long) histories,
                        "examChannelNotifications", removed)));
    }

    /**
     * Deletes from an exam's channel history the notifications addressed to the student (a USER_NOTIFICATION goes to
     * the exam's channel too); the history is bounded (MAXLEN), so reading it whole is cheap.
     */
    private Uni<Long> notificationsOf(String tenant, UUID exam, String student) {
        String key = ChannelHistory.key(tenant, "exam:" + exam);
        return redis.stream(String.class).xrange(key, StreamRange.of("-", "+")).chain(entries -> {
            String[] theirs = entries.stream()
                    .filter(entry -> EventType.USER_NOTIFICATION.name().equals(entry.payload().get("type")))
                    .filter(entry -> student.equals(Envelope.fromFields(entry.payload()).payload().path("studentId")
                            .asText(null)))
                    .map(StreamMessage::id).toArray(String[]::new);
            return theirs.length == 0 ? Uni.createFrom().item(0L)
                    : redis.stream(String.class).xdel(key, theirs).map(Integer::longValue);
        });
    }
}
