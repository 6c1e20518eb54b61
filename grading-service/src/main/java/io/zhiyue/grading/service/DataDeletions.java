package io.zhiyue.grading.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.model.DataDeletion;
import io.zhiyue.grading.model.DataDeletion.Confirmation;
import io.zhiyue.grading.model.DataDeletion.View;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.event.DataDeletionConfirmed;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.event.DataDeletionRequested.CacheRef;
import io.zhiyue.shared.event.DataDeletionRequested.Kind;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.Delivery;
import io.zhiyue.streams.consumer.StreamConsumers;
import io.zhiyue.streams.consumer.StreamHandler;
import io.zhiyue.streams.outbox.AuditTrail;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Deletions and erasures across the suite (README "Data lifecycle").
 * <ul>
 * <li>A deletion of an answer, an upload or an exam is asked for first ({@link #request}: what it would remove, no
 * change) and happens when an admin confirms it ({@link #confirm}) before it expires.</li>
 * <li>A student's erasure ({@link #erase}) happens when it is asked: the request names the student and is the
 * considered act itself, and a pending request would have to hold the id it is meant to remove.</li>
 * </ul>
 * Both run in one transaction here: the exams concerned are locked (FOR UPDATE; a job's start share-locks its
 * exam, so none starts in between), a job still marking them refuses it (409), this schema's rows go
 * ({@code delete_submissions}, {@code delete_exam}: answers, results, marks, review items, LLM audit records,
 * prior versions, the jobs' counters kept true), grading-service's confirmation is written, and one
 * DATA_DELETION_REQUESTED goes out through the outbox on {@code zhiyue:lifecycle}. Every other service removes what
 * it holds in its own consumer group and confirms; this class follows the confirmations (consumer group
 * {@value #GROUP}) and marks the request COMPLETED when every service has. An erasure's request entry, the only
 * place the student id outlives the erasure, is then deleted from the stream and the outbox.
 */
@ApplicationScoped
public class DataDeletions implements StreamHandler {

    static final String GROUP = "grading-deletions";
    static final String SERVICE = "grading-service";
    private static final List<String> RUNNING = List.of("ANALYZED", "SPLIT_COMPLETE", "EXECUTING", "PAUSED");

    private static final String SUBMISSION = "SELECT id, exam_id FROM submissions WHERE tenant_id = $1 AND id = $2";
    private static final String UPLOAD = "SELECT id, exam_id FROM submissions WHERE tenant_id = $1 AND upload_id = $2";
    private static final String EXAM = """
            SELECT e.id AS exam_id, s.id FROM exams e LEFT JOIN submissions s ON s.exam_id = e.id
            WHERE e.tenant_id = $1 AND e.id = $2""";
    private static final String STUDENT = "SELECT id, exam_id FROM submissions WHERE tenant_id = $1 AND student_id = $2";
    private static final String LOCK_EXAMS = """
            SELECT id FROM exams WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE""";
    private static final String RUNNING_JOB = """
            SELECT id, exam_id, state FROM grading_jobs
            WHERE tenant_id = $1 AND exam_id = ANY($2::uuid[]) AND state = ANY($3::text[]) LIMIT 1""";
    private static final String JOBS_OF_ANSWERS = """
            SELECT DISTINCT job_id FROM grading_tasks WHERE submission_id = ANY($1::uuid[])""";
    private static final String JOBS_OF_EXAM = "SELECT id AS job_id FROM grading_jobs WHERE exam_id = $1";
    private static final String RESULTS_OF_ANSWERS = """
            SELECT count(*) AS results,
                   coalesce(jsonb_agg(DISTINCT jsonb_build_object('questionVersion', r.reuse_version, 'key', r.reuse_key))
                       FILTER (WHERE r.reuse_version IS NOT NULL), '[]')::text AS cache
            FROM grading_tasks t JOIN results r ON r.job_id = t.job_id AND r.submission_id = t.submission_id
            WHERE t.submission_id = ANY($1::uuid[])""";
    private static final String DELETE_SUBMISSIONS = "SELECT delete_submissions($1, $2::uuid[])::text AS removed";
    private static final String DELETE_EXAM = "SELECT delete_exam($1, $2)::text AS removed";
    private static final String INSERT = """
            INSERT INTO data_deletions (id, tenant_id, kind, subject_id, state, summary, requested_by, expires_at,
                                        confirmed_by, confirmed_at)
            VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, $9, $10)""";
    private static final String LOCK_DELETION = """
            SELECT kind, subject_id, state, expires_at FROM data_deletions WHERE tenant_id = $1 AND id = $2 FOR UPDATE""";
    private static final String CONFIRMED = """
            UPDATE data_deletions SET state = 'IN_PROGRESS', confirmed_by = $2, confirmed_at = now() WHERE id = $1""";
    private static final String FIND = """
            SELECT id, kind, subject_id, state, summary::text AS summary, requested_by, requested_at, expires_at,
                   confirmed_by, confirmed_at, completed_at
            FROM data_deletions WHERE tenant_id = $1 AND id = $2""";
    private static final String CONFIRMATIONS = """
            SELECT service, removed::text AS removed, confirmed_at FROM data_deletion_confirmations
            WHERE deletion_id = $1 ORDER BY confirmed_at, service""";
    /** A confirmation of a request this deployment made (another's, or a forged one, is ignored); the first stays. */
    private static final String CONFIRM = """
            INSERT INTO data_deletion_confirmations (deletion_id, service, removed)
            SELECT $1, $2, $3::text::jsonb WHERE EXISTS (SELECT 1 FROM data_deletions WHERE id = $1)
            ON CONFLICT (deletion_id, service) DO NOTHING""";
    private static final String COMPLETE = """
            UPDATE data_deletions d SET state = 'COMPLETED', completed_at = now()
            WHERE d.id = $1 AND d.state = 'IN_PROGRESS'
              AND (SELECT count(*) FROM data_deletion_confirmations c
                   WHERE c.deletion_id = d.id AND c.service = ANY($2::text[])) = cardinality($2::text[])
            RETURNING kind, request_entry""";
    private static final String REQUEST_ENTRY = """
            UPDATE data_deletions SET request_entry = $2 WHERE id = $1 RETURNING state""";
    /** The request's outbox row goes; its stream id is where the relay published it (null if not marked yet). */
    private static final String FORGET_REQUEST = """
            DELETE FROM outbox WHERE type = 'DATA_DELETION_REQUESTED' AND key = $1 RETURNING stream_id""";

    private final Outbox outbox;
    private final AuditTrail audit;
    private final Pool pool;
    private final StreamConsumers consumers;
    private final ReactiveRedisDataSource redis;
    private final Duration confirmWithin;

    public DataDeletions(Outbox outbox, AuditTrail audit, Pool pool, StreamConsumers consumers,
            ReactiveRedisDataSource redis,
            @ConfigProperty(name = "zhiyue.deletions.confirm-within", defaultValue = "PT15M") Duration confirmWithin) {
        this.outbox = outbox;
        this.audit = audit;
        this.pool = pool;
        this.consumers = consumers;
        this.redis = redis;
        this.confirmWithin = confirmWithin;
    }

    void onStart(@Observes StartupEvent event) {
        consumers.start(Streams.LIFECYCLE, GROUP, 1, this);
    }

    /** The exams and answers a deletion reaches (read again under the exams' locks when it runs). */
    private record Scope(List<UUID> examIds, List<UUID> submissionIds) {
    }

    /** What a deletion covers: its scope, the jobs that held the answers, their results and cache addresses. */
    private record Covered(Scope scope, List<UUID> jobIds, long results, List<CacheRef> cache) {

        /** As the deletion's record shows it: counts and exam ids, nothing personal. */
        ObjectNode summary() {
            ObjectNode summary = JsonCodec.mapper().createObjectNode();
            summary.set("examIds", JsonCodec.mapper().valueToTree(scope.examIds()));
            summary.put("submissions", scope.submissionIds().size());
            summary.put("results", results);
            summary.put("jobs", jobIds.size());
            return summary;
        }
    }

    /**
     * Asks for a deletion: answers what it would remove (AWAITING_CONFIRMATION until {@code expiresAt}); nothing
     * is removed yet. 400 for an unknown kind or a malformed id, 404 when there is nothing of that id, 409 while a
     * job is marking the exam.
     */
    @WithSpan
    public Uni<View> request(String tenant, String by, DataDeletion.Request request) {
        Kind kind = kind(request);
        UUID subject = subjectId(request);
        UUID id = UUID.randomUUID();
        return outbox.inTransaction((tx, events) -> scope(tx, tenant, kind, subject, null)
                .call(scope -> refuseWhileRunning(tx, tenant, scope))
                .chain(scope -> covered(tx, kind, subject, scope)).map(Covered::summary)
                .chain(summary -> tx.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(id, tenant, kind.name(),
                                subject, "AWAITING_CONFIRMATION", summary.toString(), actor(by),
                                OffsetDateTime.now().plus(confirmWithin), null, null)))
                        .invoke(() -> audit.record(events, tenant, "data.deletion.requested", "deletion", id, by,
                                null, AuditTrail.fields("kind", kind.name(), "subjectId", subject,
                                        "summary", summary)))))
                .chain(() -> find(tenant, id));
    }

    /**
     * Confirms a requested deletion: it runs now (see the class comment). Confirming one that runs or ran
     * answers it as it is; 409 once it expired or while a job is marking the exam; 404 when there is none.
     */
    @WithSpan
    public Uni<View> confirm(String tenant, String by, UUID id) {
        return outbox.inTransaction((tx, events) -> tx.preparedQuery(LOCK_DELETION).execute(Tuple.of(tenant, id))
                        .chain(rows -> {
                            if (!rows.iterator().hasNext()) {
                                throw ZhiyueException.notFound("deletion", id);
                            }
                            Row row = rows.iterator().next();
                            if (!"AWAITING_CONFIRMATION".equals(row.getString("state"))) {
                                return Uni.createFrom().voidItem();
                            }
                            OffsetDateTime expires = row.getOffsetDateTime("expires_at");
                            if (expires.isBefore(OffsetDateTime.now())) {
                                throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "deletion " + id + " expired at "
                                        + expires + " unconfirmed; request it again");
                            }
                            Kind kind = Kind.valueOf(row.getString("kind"));
                            UUID subject = row.getUUID("subject_id");
                            return lockedScope(tx, tenant, kind, subject, null)
                                    .chain(covered -> run(tx, events, tenant, id, kind, subject, covered, null))
                                    .call(() -> tx.preparedQuery(CONFIRMED).execute(Tuple.of(id, actor(by))))
                                    .invoke(removed -> audit.record(events, tenant, "data.deleted", "deletion", id,
                                            by, null, AuditTrail.fields("kind", kind.name(), "subjectId", subject,
                                                    "removed", removed)))
                                    .replaceWithVoid();
                        }))
                .chain(() -> find(tenant, id));
    }

    /**
     * Erases a student (see the class comment): answers the erasure record, IN_PROGRESS until every service has
     * confirmed. A student of whom nothing is held here is erased all the same (other services may hold traces of
     * them); 409 while a job is marking one of their exams.
     */
    @WithSpan
    public Uni<View> erase(String tenant, String by, String studentId) {
        String student = validStudent(studentId);
        UUID id = UUID.randomUUID();
        return outbox.inTransaction((tx, events) -> lockedScope(tx, tenant, Kind.STUDENT, null, student)
                        .call(covered -> tx.preparedQuery(INSERT).execute(Tuple.from(Arrays.asList(id, tenant,
                                Kind.STUDENT.name(), null, "IN_PROGRESS", covered.summary().toString(), actor(by),
                                null, actor(by), OffsetDateTime.now()))))
                        .chain(covered -> run(tx, events, tenant, id, Kind.STUDENT, null, covered, student)
                                .invoke(removed -> audit.record(events, tenant, "student.erased", "deletion", id, by,
                                        null, AuditTrail.fields("examIds", covered.scope().examIds(),
                                                "removed", removed)))))
                .chain(() -> find(tenant, id));
    }

    /** A deletion or erasure record with its confirmations. 404 when the tenant has none of that id. */
    public Uni<View> find(String tenant, UUID id) {
        return pool.preparedQuery(FIND).execute(Tuple.of(tenant, id)).chain(rows -> {
            if (!rows.iterator().hasNext()) {
                throw ZhiyueException.notFound("deletion", id);
            }
            Row row = rows.iterator().next();
            return pool.preparedQuery(CONFIRMATIONS).execute(Tuple.of(id)).map(confirmed -> {
                List<Confirmation> confirmations = new ArrayList<>();
                List<String> pending = new ArrayList<>(DataDeletionRequested.SERVICES);
                for (Row c : confirmed) {
                    confirmations.add(new Confirmation(c.getString("service"), json(c.getString("removed")),
                            c.getOffsetDateTime("confirmed_at")));
                    pending.remove(c.getString("service"));
                }
                String state = row.getString("state");
                OffsetDateTime expires = row.getOffsetDateTime("expires_at");
                if ("AWAITING_CONFIRMATION".equals(state) && expires.isBefore(OffsetDateTime.now())) {
                    state = "EXPIRED";
                }
                return new View(id, row.getString("kind"), row.getUUID("subject_id"), state,
                        json(row.getString("summary")), row.getString("requested_by"),
                        row.getOffsetDateTime("requested_at"), expires, row.getString("confirmed_by"),
                        row.getOffsetDateTime("confirmed_at"), row.getOffsetDateTime("completed_at"), confirmations,
                        "AWAITING_CONFIRMATION".equals(row.getString("state")) ? List.of() : pending);
            });
        });
    }

    /**
     * The scope read, then read again under its exams' locks, with what it covers; a job still marking one of the
     * exams refuses it (409).
     */
    private static Uni<Covered> lockedScope(SqlConnection tx, String tenant, Kind kind, UUID subject, String student) {
        return scope(tx, tenant, kind, subject, student)
                .chain(read -> locked(tx, tenant, kind, subject, student, read, new ArrayList<>()))
                .call(scope -> refuseWhileRunning(tx, tenant, scope))
                .chain(scope -> covered(tx, kind, subject, scope));
    }

    /**
     * Removes this schema's rows of what the deletion covers (its exams locked), records grading-service's
     * confirmation and adds the request for every other service. Answers what was removed here.
     */
    private Uni<JsonNode> run(SqlConnection tx, OutboxEvents events, String tenant, UUID id, Kind kind, UUID subject,
            Covered covered, String student) {
        Scope scope = covered.scope();
        Uni<String> removed = kind == Kind.EXAM
                ? tx.preparedQuery(DELETE_EXAM).execute(Tuple.of(tenant, subject))
                        .map(rows -> rows.iterator().next().getString("removed"))
                : tx.preparedQuery(DELETE_SUBMISSIONS).execute(Tuple.of(tenant,
                                scope.submissionIds().toArray(UUID[]::new)))
                        .map(rows -> rows.iterator().next().getString("removed"));
        return removed.call(json -> tx.preparedQuery(CONFIRM).execute(Tuple.of(id, SERVICE, json))).map(json -> {
            events.add(Streams.LIFECYCLE, new DataDeletionRequested(id, kind, scope.examIds(), covered.jobIds(),
                    scope.submissionIds(), covered.cache(), student,
                    student == null ? null : "erased-" + UUID.randomUUID(), Instant.now()).envelope(tenant));
            return json(json);
        });
    }

    /**
     * The scope read again under its exams' locks (an upload may have added answers, even of another exam, since
     * it was read): exams it reaches that are not locked yet are locked and it is read again, until none is new.
     */
    private static Uni<Scope> locked(SqlConnection tx, String tenant, Kind kind, UUID subject, String student,
            Scope read, List<UUID> held) {
        List<UUID> more = read.examIds().stream().filter(exam -> !held.contains(exam)).toList();
        if (more.isEmpty() && !held.isEmpty()) {
            return Uni.createFrom().item(read);
        }
        held.addAll(more);
        return tx.preparedQuery(LOCK_EXAMS).execute(Tuple.of(tenant, more.toArray(UUID[]::new)))
                .chain(() -> scope(tx, tenant, kind, subject, student))
                .chain(again -> again.examIds().stream().allMatch(held::contains) ? Uni.createFrom().item(again)
                        : locked(tx, tenant, kind, subject, student, again, held));
    }

    private static Uni<Scope> scope(SqlConnection tx, String tenant, Kind kind, UUID subject, String student) {
        Tuple args = switch (kind) {
            case STUDENT -> Tuple.of(tenant, student);
            default -> Tuple.of(tenant, subject);
        };
        String sql = switch (kind) {
            case SUBMISSION -> SUBMISSION;
            case UPLOAD -> UPLOAD;
            case EXAM -> EXAM;
            case STUDENT -> STUDENT;
        };
        return tx.preparedQuery(sql).execute(args).map(rows -> {
            List<UUID> exams = new ArrayList<>();
            List<UUID> submissions = new ArrayList<>();
            for (Row row : rows) {
                if (!exams.contains(row.getUUID("exam_id"))) {
                    exams.add(row.getUUID("exam_id"));
                }
                if (row.getUUID("id") != null) {
                    submissions.add(row.getUUID("id"));
                }
            }
            if (exams.isEmpty() && kind != Kind.STUDENT) {
                throw ZhiyueException.notFound(kind.name().toLowerCase(Locale.ROOT), subject);
            }
            return new Scope(List.copyOf(exams), List.copyOf(submissions));
        });
    }

    private static Uni<Void> refuseWhileRunning(SqlConnection tx, String tenant, Scope scope) {
        return tx.preparedQuery(RUNNING_JOB).execute(Tuple.of(tenant, scope.examIds().toArray(UUID[]::new),
                RUNNING.toArray(String[]::new))).invoke(rows -> {
            if (rows.iterator().hasNext()) {
                Row job = rows.iterator().next();
                throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "grading job " + job.getUUID("id") + " of exam "
                        + job.getUUID("exam_id") + " is " + job.getString("state") + ": cancel it or let it end, "
                        + "then delete");
            }
        }).replaceWithVoid();
    }

    /** The jobs that held the scope's answers (for an exam, all of its jobs), their results and cache addresses. */
    private static Uni<Covered> covered(SqlConnection tx, Kind kind, UUID subject, Scope scope) {
        UUID[] answers = scope.submissionIds().toArray(UUID[]::new);
        Uni<RowSet<Row>> jobs = kind == Kind.EXAM
                ? tx.preparedQuery(JOBS_OF_EXAM).execute(Tuple.of(subject))
                : tx.preparedQuery(JOBS_OF_ANSWERS).execute(Tuple.of((Object) answers));
        return jobs.chain(found -> tx.preparedQuery(RESULTS_OF_ANSWERS).execute(Tuple.of((Object) answers))
                .map(results -> {
                    List<UUID> jobIds = new ArrayList<>();
                    found.forEach(row -> jobIds.add(row.getUUID("job_id")));
                    Row row = results.iterator().next();
                    return new Covered(scope, List.copyOf(jobIds), row.getLong("results"),
                            Arrays.asList(JsonCodec.read(row.getString("cache"), CacheRef[].class)));
                }));
    }

    /** Follows the lifecycle stream: each service's confirmation, and an erasure's own request entry. */
    @Override
    public Uni<Void> handle(Delivery delivery) {
        Envelope envelope = delivery.envelope();
        if (envelope.type() == EventType.DATA_DELETION_REQUESTED) {
            DataDeletionRequested request = envelope.payloadAs(DataDeletionRequested.class);
            if (request.kind() != Kind.STUDENT) {
                return Uni.createFrom().voidItem();
            }
            // every confirmation may have come to another instance before this: then the entry goes now
            return pool.preparedQuery(REQUEST_ENTRY).execute(Tuple.of(request.requestId(), delivery.entryId()))
                    .chain(rows -> rows.iterator().hasNext()
                            && "COMPLETED".equals(rows.iterator().next().getString("state"))
                            ? forget(delivery.entryId()) : Uni.createFrom().voidItem());
        }
        if (envelope.type() != EventType.DATA_DELETION_CONFIRMED) {
            return Uni.createFrom().voidItem();
        }
        DataDeletionConfirmed confirmed = envelope.payloadAs(DataDeletionConfirmed.class);
        return pool.withTransaction(tx -> tx.preparedQuery(CONFIRM).execute(Tuple.of(confirmed.requestId(),
                        confirmed.service(), JsonCodec.write(confirmed.removed())))
                .chain(() -> tx.preparedQuery(COMPLETE).execute(Tuple.of(confirmed.requestId(),
                        DataDeletionRequested.SERVICES.toArray(String[]::new))))
                .chain(completed -> {
                    if (!completed.iterator().hasNext()) {
                        return Uni.createFrom().voidItem();
                    }
                    Row row = completed.iterator().next();
                    Log.infof("%s %s completed: every service confirmed", row.getString("kind"),
                            confirmed.requestId());
                    if (!Kind.STUDENT.name().equals(row.getString("kind"))) {
                        return Uni.createFrom().voidItem();
                    }
                    // the request named the student: it goes from the outbox and the stream (before the commit,
                    // so a failure here is retried with the confirmation's redelivery)
                    String entry = row.getString("request_entry");
                    return tx.preparedQuery(FORGET_REQUEST).execute(Tuple.of("deletion:" + confirmed.requestId()))
                            .chain(forgotten -> {
                                String published = forgotten.iterator().hasNext()
                                        ? forgotten.iterator().next().getString("stream_id") : null;
                                return forget(entry != null ? entry : published);
                            });
                }));
    }

    /** Deletes an erasure's request entry from the stream (XDEL: nothing when it is gone already or unknown). */
    private Uni<Void> forget(String entry) {
        return entry == null ? Uni.createFrom().voidItem()
                : redis.stream(String.class).xdel(Streams.LIFECYCLE, entry).replaceWithVoid();
    }

    private static Kind kind(DataDeletion.Request request) {
        if (request == null) {
            throw ZhiyueException.validation("body", "expected {\"kind\": \"submission|upload|exam\", \"id\": \"…\"}");
        }
        String kind = request.kind() == null ? "" : request.kind().trim().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "submission" -> Kind.SUBMISSION;
            case "upload" -> Kind.UPLOAD;
            case "exam" -> Kind.EXAM;
            default -> throw ZhiyueException.validation("kind", "must be submission, upload or exam (a student is "
                    + "erased with POST /api/v1/students/{studentId}/erasure)");
        };
    }

    private static UUID subjectId(DataDeletion.Request request) {
        try {
            return UUID.fromString(request.id() == null ? "" : request.id().trim());
        } catch (IllegalArgumentException e) {
            throw ZhiyueException.validation("id", "must be the UUID of the " + request.kind().trim() + " to delete");
        }
    }

    private static String validStudent(String studentId) {
        List<FieldError> errors = new ArrayList<>();
        if (studentId == null || studentId.isBlank()) {
            errors.add(new FieldError("studentId", "is required"));
        } else if (studentId.trim().length() > SubmissionService.MAX_STUDENT_ID) {
            errors.add(new FieldError("studentId", "is longer than " + SubmissionService.MAX_STUDENT_ID
                    + " characters"));
        }
        ExamService.rejectNul("studentId", studentId, errors);
        ExamService.failIfAny(errors);
        return studentId.trim();
    }

    private static JsonNode json(String text) {
        return JsonCodec.read(text, JsonNode.class);
    }

    private static String actor(String by) {
        return by == null || by.isBlank() ? "admin" : by.trim();
    }
}
