package io.zhiyue.streams.lifecycle;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.shared.event.DataDeletionRequested;

import java.time.Duration;
import java.util.Map;

/**
 * What one service removes of a deletion or erasure request ({@link DataDeletionParticipant}).
 */
public interface DataDeletionHandler {

    /**
     * Removes (or pseudonymises) what this service holds of {@code request}, on {@code tx} (committed with the
     * confirmation) and wherever else it keeps it (Redis: idempotent, as a redelivery runs this again). Answers
     * what it removed by kind, e.g. {@code {"checkpoints": 12}}; a second run answers zeros.
     */
    Uni<Map<String, Long>> delete(SqlConnection tx, String tenant, DataDeletionRequested request);

    /**
     * How long after {@code request} was made this service's part of it waits to run: what the service receives late
     * (spans its exporters send in batches, the erasure request's own among them) is in by then. None by default.
     */
    default Duration settle(DataDeletionRequested request) {
        return Duration.ZERO;
    }
}
