package io.zhiyue.cache.service;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.cache.jobs.JobReadModel;
import io.zhiyue.cache.model.ResultRef;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.streams.lifecycle.DataDeletionHandler;
import io.zhiyue.streams.lifecycle.DataDeletionParticipant;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Map;

/**
 * cache-service's part of a deletion or erasure (README "Data lifecycle"): the result-cache entries the deleted
 * answers were marked under, and the live read model of the jobs that held them.
 *
 * <p>The entries go through the cache's own invalidation (PostgreSQL, then Redis tombstones and a message to every
 * instance's in-process layer), which commits on its own connections, so it runs first: should the transaction
 * with the confirmation fail, the redelivered request deletes nothing more and confirms then. An entry is shared by
 * identical answers, so another student's identical answer is marked again the next time: a cost, never a wrong
 * result. The jobs' read-model rows go on {@code tx}; a read then misses and the gateway asks grading-service.
 */
@ApplicationScoped
public class CacheDataDeletion implements DataDeletionHandler {

    private final ResultCache results;
    private final JobReadModel jobs;

    public CacheDataDeletion(ResultCache results, JobReadModel jobs) {
        this.results = results;
        this.jobs = jobs;
    }

    void serve(@Observes StartupEvent event, DataDeletionParticipant participant) {
        participant.serve(this);
    }

    @Override
    public Uni<Map<String, Long>> delete(SqlConnection tx, String tenant, DataDeletionRequested request) {
        return results.delete(tenant, request.cacheEntries().stream()
                        .map(entry -> new ResultRef(entry.questionVersion(), entry.key())).toList())
                .chain(entries -> jobs.drop(tx, tenant, request.jobIds())
                        .map(jobStates -> Map.of("results", entries, "jobStates", (long) jobStates)));
    }
}
