package io.zhiyue.nativesources;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each service hands to Jackson outside REST signatures that the source scan ({@link JacksonReads})
 * cannot see, because nothing names the type next to the call: payloads written to streams and the outbox
 * ({@code Envelope.of(…, payload, …)}), values written into PostgreSQL columns, Redis and cursors
 * ({@code JsonCodec.write}, {@code valueToTree}), server-sent events, the entities of an endpoint that
 * answers a {@code Response} (or {@code Object}) and REST client bodies. Nested types and the types
 * components hold need no entry: {@link ReachableTypes} follows them. A listed type that no longer
 * exists fails the check, so a rename cannot leave this list quietly stale.
 * Binary names ({@code Outer$Inner}).
 */
final class ListedJsonTypes {

    /** What shared-streams writes in every service that runs it. */
    private static final List<String> EVERY_SERVICE = List.of(
            // problem+json of every error: exception mappers' Response entities, Problems.write in route filters
            "io.zhiyue.shared.error.Problem",
            // SystemStatusAnnouncer: UP and DOWN through the outbox
            "io.zhiyue.shared.event.SystemStatus");

    private static final Map<String, List<String>> BY_SERVICE = Map.of(
            "api-gateway", List.of(
                    // WebSocket (/ws): no type to list. Server messages are ObjectNode trees written as text
                    // (ServerMessages, LiveEvent), client commands are read as a tree (ClientCommand.parse),
                    // and stream payloads are relayed as the trees they arrive as.
                    // REST clients: downstream answers are relayed as bytes (Uni<Response>), none is mapped.
                    // BearerAuthentication writes the 401 of a refused request and the 429 of a refused upgrade
                    "io.zhiyue.shared.error.Problem"),
            "grading-service", List.of(
                    // outbox payloads on zhiyue:events (JobEvents, ReleaseService, ScoreOverrideSteps)
                    "io.zhiyue.shared.event.JobStateChanged",
                    "io.zhiyue.shared.event.GradingProgress",
                    "io.zhiyue.shared.event.ScoreChanged",
                    "io.zhiyue.shared.event.ReviewItemChanged",
                    "io.zhiyue.shared.event.QualityAlert",
                    "io.zhiyue.shared.event.UserNotification",
                    // the job snapshot a JOB_STATE_CHANGED carries (JobEvents.snapshot: valueToTree)
                    "io.zhiyue.grading.model.GradingJob",
                    // zhiyue:grading:tasks (TaskPublisher), zhiyue:saga:starts (ScoreOverrides)
                    "io.zhiyue.shared.event.GradingTaskBatch",
                    "io.zhiyue.shared.saga.SagaApplied",
                    // the saga participant's replies (SagaParticipant, ScoreOverrideSteps)
                    "io.zhiyue.shared.saga.SagaReply",
                    // JSON columns: rubrics.content, rubric points' match, proposals' points, jobs.recovery
                    "io.zhiyue.grading.grader.Rubric",
                    "io.zhiyue.grading.grader.Match",
                    "io.zhiyue.grading.grader.PointDecision",
                    "io.zhiyue.shared.event.JobStateChanged$Recovery",
                    // result cache values (ResultReuse.value: valueToTree) and the cache's REST client bodies
                    "io.zhiyue.grading.grader.GradeResult",
                    "io.zhiyue.grading.reuse.ResultCacheApi$Refs",
                    "io.zhiyue.grading.reuse.ResultCacheApi$Entries",
                    "io.zhiyue.grading.reuse.ResultCacheApi$Hits",
                    // list cursors (ListQuery.Cursor.encode), explanation server-sent events (SubmissionResource.frame)
                    "io.zhiyue.grading.repository.ListQuery$Cursor",
                    "io.zhiyue.grading.llm.ExplanationEvent",
                    // list items FieldSelection turns into trees (valueToTree) for endpoints answering Uni<Object>
                    "io.zhiyue.shared.api.PageResponse",
                    "io.zhiyue.grading.model.Exam",
                    "io.zhiyue.grading.model.Submission",
                    "io.zhiyue.grading.model.ReviewItem",
                    "io.zhiyue.grading.model.GradingResult",
                    "io.zhiyue.grading.model.AnswerGroup",
                    // entities of endpoints answering Uni<Response>: created exam, question and job, the next
                    // review item, an accepted override
                    "io.zhiyue.grading.model.Question",
                    "io.zhiyue.grading.saga.ScoreOverrides$Accepted"),
            "cache-service", List.of(
                    // SYSTEM_STATUS when the cache degrades or recovers (outbox)
                    "io.zhiyue.cache.stream.CacheStatusEvents$Payload",
                    // the invalidation channel (Redis pub/sub): written and read
                    "io.zhiyue.cache.layered.InvalidationMessage",
                    // the saga participant's replies (ResultInvalidationStep)
                    "io.zhiyue.shared.saga.SagaReply",
                    // the lookup's entity (ResultCacheResource.lookup answers Uni<Response> for X-Cache-Source)
                    "io.zhiyue.cache.model.ResultHits"),
            "saga-service", List.of(
                    // commands to participants (outbox) and as stored in saga_commands
                    "io.zhiyue.shared.saga.SagaCommand",
                    // the started saga, entity of POST /api/v1/sagas (Uni<Response>: 202 or 200)
                    "io.zhiyue.saga.model.Saga"),
            "tracing-service", List.of(
                    // SLOW_SPAN alerts (outbox)
                    "io.zhiyue.shared.event.SlowSpan"),
            "checkpoint-service", List.of(
                    // SYSTEM_STATUS of a save kept for an operator (outbox)
                    "io.zhiyue.shared.event.CheckpointSaveFailed",
                    // entity of put and fork (Uni<Response>: 201 or 200)
                    "io.zhiyue.checkpoint.model.Checkpoint"));

    private ListedJsonTypes() {
    }

    static Set<String> services() {
        return new TreeSet<>(BY_SERVICE.keySet());
    }

    static Set<String> of(String service) {
        List<String> listed = BY_SERVICE.get(service);
        if (listed == null) {
            throw new IllegalArgumentException("no list for " + service);
        }
        Set<String> types = new TreeSet<>(EVERY_SERVICE);
        types.addAll(listed);
        return types;
    }
}
