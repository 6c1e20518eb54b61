package io.zhiyue.gateway.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.stream.ChannelHistory;
import io.zhiyue.streams.lifecycle.DataDeletionHandler;
import io.zhiyue.streams.lifecycle.DataDeletionParticipant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;

/**
 * The gateway's part of an erasure (README "Data lifecycle"): the student's live channel history
 * ({@code user:<studentId>}, events that name them) is deleted, so no resume replays it. Nothing else the gateway
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
        return redis.key().del(ChannelHistory.key(tenant, "user:" + request.studentId()))
                .map(deleted -> Map.of("liveHistories", (long) deleted));
    }
}
