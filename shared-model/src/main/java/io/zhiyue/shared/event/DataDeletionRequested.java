package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Payload of DATA_DELETION_REQUESTED on {@code zhiyue:lifecycle}: grading-service deleted (or erased) what it
 * holds and asks every other service to remove what hangs off it. Each service handles it once per request in its
 * own consumer group (a service that is down finds it waiting when it starts), in one transaction with its
 * DATA_DELETION_CONFIRMED; the work is idempotent, so a redelivery removes nothing more.
 *
 * @param kind what was deleted
 * @param examIds the exams concerned (deleted for {@code EXAM}; the ones the student sat for {@code STUDENT})
 * @param jobIds the grading jobs whose data is gone (all of an exam's) or held the deleted answers
 * @param submissionIds the answers deleted
 * @param cacheEntries the result-cache addresses the deleted answers were marked under (shared by identical answers:
 *        dropping one costs a re-mark, never a wrong result)
 * @param studentId the student erased ({@code STUDENT} only), for what is stored under the id itself (the
 *        student's live channel, trace attributes)
 * @param pseudonym what a service that keeps a record writes in place of the student id (random, never derived)
 */
@RegisterForReflection
public record DataDeletionRequested(UUID requestId, Kind kind, List<UUID> examIds, List<UUID> jobIds,
        List<UUID> submissionIds, List<CacheRef> cacheEntries, String studentId, String pseudonym, Instant at) {

    public enum Kind {
        SUBMISSION, UPLOAD, EXAM, STUDENT
    }

    /** A result-cache entry: its question version (the cache scope) and key. */
    @RegisterForReflection
    public record CacheRef(String questionVersion, String key) {
    }

    /** Every service that must confirm a request before it is complete (grading-service confirms in its own change). */
    public static final List<String> SERVICES = List.of("grading-service", "api-gateway", "cache-service",
            "checkpoint-service", "saga-service", "tracing-service");

    public DataDeletionRequested {
        examIds = examIds == null ? List.of() : List.copyOf(examIds);
        jobIds = jobIds == null ? List.of() : List.copyOf(jobIds);
        submissionIds = submissionIds == null ? List.of() : List.copyOf(submissionIds);
        cacheEntries = cacheEntries == null ? List.of() : List.copyOf(cacheEntries);
    }

    public Envelope envelope(String tenant) {
        return Envelope.of(EventType.DATA_DELETION_REQUESTED, tenant, "deletion:" + requestId, this, null);
    }
}
