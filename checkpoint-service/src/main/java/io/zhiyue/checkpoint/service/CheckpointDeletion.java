package io.zhiyue.checkpoint.service;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.checkpoint.repository.CheckpointRepository;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.streams.lifecycle.DataDeletionHandler;
import io.zhiyue.streams.lifecycle.DataDeletionParticipant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;

/**
 * checkpoint-service's part of a deletion or erasure (README "Data lifecycle"): a thread is a grading job, and its
 * checkpoints (every namespace) and the saves kept for an operator hold that job's answers and scores, so for every
 * kind of request the threads named in {@code jobIds} go whole, in the request's tenant. grading-service ends or
 * never starts those jobs before it asks, so no checkpoint of them arrives afterwards. Not audited here: grading-service
 * records the deletion itself, and an operator's {@code checkpoints.deleted} entry would only repeat it.
 */
@ApplicationScoped
public class CheckpointDeletion implements DataDeletionHandler {

    private final CheckpointRepository repository;

    public CheckpointDeletion(CheckpointRepository repository) {
        this.repository = repository;
    }

    void serve(@Observes StartupEvent event, DataDeletionParticipant participant) {
        participant.serve(this);
    }

    @Override
    public Uni<Map<String, Long>> delete(SqlConnection tx, String tenant, DataDeletionRequested request) {
        if (request.jobIds().isEmpty()) {
            return Uni.createFrom().item(Map.of("checkpoints", 0L, "failedSaves", 0L));
        }
        return repository.deleteThreads(tx, tenant, request.jobIds())
                .chain(checkpoints -> repository.deleteFailedSaves(tx, tenant, request.jobIds())
                        .map(failedSaves -> Map.of("checkpoints", (long) checkpoints, "failedSaves", (long) failedSaves)));
    }
}
