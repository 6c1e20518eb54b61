package io.zhiyue.grading.service;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.llm.LlmConfig;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.model.JobCreate;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.repository.SubmissionRepository;
import io.zhiyue.grading.stream.JobEvents;
import io.zhiyue.grading.stream.TaskPublisher;
import io.zhiyue.shared.error.ErrorCode;
import io.zhiyue.shared.error.Problem.FieldError;
import io.zhiyue.shared.error.ZhiyueException;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.streams.outbox.AuditTrail;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Grading jobs and their state machine. Every transition is a guarded UPDATE (the job must still
 * be in the state we saw), and its event is written to the outbox in the same transaction: a
 * state change and its announcement exist together or not at all, and neither waits for Redis.
 */
@ApplicationScoped
public class GradingJobService {

    /** No traceparent of our own: the outbox and the publisher stamp the trace current at the call. */
    private static final String CALLERS_TRACE = null;

    /** How many of an exam's jobs its listing shows, newest first. */
    public static final int EXAM_JOBS_LISTED = 100;

    private final JobRepository jobs;
    private final ExamService exams;
    private final TaskPublisher tasks;
    private final JobEvents events;
    private final Outbox outbox;
    private final GradingConfig config;
    private final SubmissionRepository submissions;
    private final JobCompletion completion;
    private final LlmConfig llm;
    private final AuditTrail audit;

    public GradingJobService(JobRepository jobs, ExamService exams, TaskPublisher tasks, JobEvents events,
            Outbox outbox, GradingConfig config, SubmissionRepository submissions, JobCompletion completion,
            LlmConfig llm, AuditTrail audit) {
        this.llm = llm;
        this.audit = audit;
        this.jobs = jobs;
        this.exams = exams;
        this.tasks = tasks;
        this.events = events;
        this.outbox = outbox;
        this.config = config;
        this.submissions = submissions;
        this.completion = completion;
    }

    /** A new job of the exam with its settings; {@code by}: the gateway's subject (audited with the settings). */
    @WithSpan
    public Uni<GradingJob> create(String tenant, String by, UUID examId, JobCreate settings) {
        long budget = tokenBudget(settings);
        boolean reuse = settings == null || settings.reuseResults() == null || settings.reuseResults();
        return exams.find(tenant, examId).chain(() -> outbox.inTransaction((tx, added) ->
                jobs.insert(tx, tenant, examId, config.batchSize(), budget, reuse)
                        .invoke(job -> {
                            events.stateChanged(added, job, null, CALLERS_TRACE);
                            audit.record(added, tenant, "job.created", "job", job.id(), by, null, AuditTrail.fields(
                                    "examId", examId, "llmTokenBudget", budget, "reuseResults", reuse,
                                    "batchSize", config.batchSize()));
                        })));
    }

    private long tokenBudget(JobCreate settings) {
        Long asked = settings == null ? null : settings.llmTokenBudget();
        if (asked == null) {
            return llm.jobTokenBudget();
        }
        if (asked < 0 || asked > JobCreate.MAX_TOKEN_BUDGET) {
            throw new ZhiyueException(ErrorCode.VALIDATION_ERROR, "invalid job settings",
                    List.of(new FieldError("llmTokenBudget", "must be between 0 and " + JobCreate.MAX_TOKEN_BUDGET)));
        }
        return asked;
    }

    /** The job; one that ran to its end carries its figures, computed once when it ended. */
    public Uni<GradingJob> find(String tenant, UUID jobId) {
        return existing(tenant, jobId);
    }

    /** An exam's newest jobs, newest first (a dashboard's list; at most {@link #EXAM_JOBS_LISTED}). */
    public Uni<List<GradingJob>> ofExam(String tenant, UUID examId) {
        return exams.find(tenant, examId).chain(() -> jobs.ofExam(tenant, examId, EXAM_JOBS_LISTED));
    }

    /** CREATED → ANALYZED → SPLIT_COMPLETE → EXECUTING, each stage committed before it is announced. */
    @WithSpan
    public Uni<GradingJob> start(String tenant, UUID jobId) {
        return existing(tenant, jobId)
                .invoke(job -> JobStateMachine.require(job, JobState.ANALYZED))
                .call(job -> submissions.count(tenant, job.examId()).invoke(count -> {
                    if (count == 0) {
                        throw new ZhiyueException(ErrorCode.ILLEGAL_STATE, "exam " + job.examId()
                                + " has no submissions yet; upload answers before starting job " + jobId);
                    }
                }))
                .chain(job -> outbox.inTransaction((tx, added) -> jobs.analyze(tx, tenant, jobId, job.examId())
                        .invoke(analyzed -> {
                            if (analyzed != null) {
                                events.stateChanged(added, analyzed, JobState.CREATED, CALLERS_TRACE);
                            }
                        })))
                .chain(analyzed -> analyzed == null ? conflict(tenant, jobId, JobState.ANALYZED)
                        : split(analyzed));
    }

    /**
     * Writes the task rows, publishes every pending batch and moves on to EXECUTING. Idempotent, so
     * recovery can run it again for a job whose process died half-way.
     */
    public Uni<GradingJob> split(GradingJob job) {
        String tenant = job.tenantId();
        Uni<GradingJob> splitDone = job.state() != JobState.ANALYZED ? Uni.createFrom().item(job)
                : jobs.insertTasks(tenant, job.id(), job.examId(), job.batchSize())
                        .chain(batches -> batches != null ? Uni.createFrom().item(batches) : jobs.pendingBatches(job.id()))
                        .chain(batches -> tasks.publish(tenant, job.id(), batches, job.batchSize())
                                .onFailure().transform(e -> new ZhiyueException(ErrorCode.DEPENDENCY_UNAVAILABLE,
                                        "job " + job.id() + " is analysed but its tasks could not all be published ("
                                                + e.getMessage() + "); it is retried automatically")))
                        .chain(() -> moveTo(tenant, job.id(), JobState.ANALYZED, JobState.SPLIT_COMPLETE));
        return splitDone.chain(split -> {
            if (split == null || split.state() != JobState.SPLIT_COMPLETE) {
                return existing(tenant, job.id());
            }
            return moveTo(tenant, job.id(), JobState.SPLIT_COMPLETE, JobState.EXECUTING)
                    .chain(executing -> executing == null ? existing(tenant, job.id())
                            : completeIfDone(executing));
        });
    }

    @WithSpan
    public Uni<GradingJob> pause(String tenant, UUID jobId) {
        return move(tenant, jobId, JobState.EXECUTING, JobState.PAUSED);
    }

    /** Back to EXECUTING; the batches still pending are published again (duplicates are harmless). */
    @WithSpan
    public Uni<GradingJob> resume(String tenant, UUID jobId) {
        return move(tenant, jobId, JobState.PAUSED, JobState.EXECUTING)
                .call(job -> jobs.pendingBatches(jobId)
                        .chain(batches -> tasks.publish(tenant, jobId, batches, job.batchSize()))
                        .onFailure().invoke(e -> Log.warnf("job %s resumed but its batches were not all "
                                + "republished (%s); recovery republishes them", jobId, e.getMessage()))
                        .onFailure().recoverWithNull())
                .chain(this::completeIfDone);
    }

    /** Needs PostgreSQL only: the CANCELLED event waits in the outbox if Redis does not answer. */
    @WithSpan
    public Uni<GradingJob> cancel(String tenant, String by, UUID jobId) {
        return existing(tenant, jobId)
                .invoke(job -> JobStateMachine.require(job, JobState.CANCELLED))
                .chain(before -> outbox.inTransaction((tx, added) -> jobs.cancel(tx, tenant, jobId)
                        .invoke(cancelled -> {
                            if (cancelled != null) {
                                events.stateChanged(added, cancelled, before.state(), CALLERS_TRACE);
                                events.progress(added, cancelled, CALLERS_TRACE);
                                audit.record(added, tenant, "job.cancelled", "job", jobId, by,
                                        AuditTrail.fields("state", before.state()), AuditTrail.fields("state", cancelled.state(),
                                                "done", cancelled.done(), "total", cancelled.total()));
                            }
                        })))
                .chain(cancelled -> cancelled == null ? conflict(tenant, jobId, JobState.CANCELLED)
                        : Uni.createFrom().item(cancelled));
    }

    /**
     * For a job that has not moved for a while: republishes the pending batches whose entries were
     * lost (a batch merely waiting behind another job is left alone); a job with nothing pending
     * is ended (its process may have died between the last commit and completion).
     */
    public Uni<Void> republishLost(String tenant, UUID jobId) {
        return existing(tenant, jobId).chain(job -> jobs.pendingBatches(jobId)
                        .chain(pending -> pending.isEmpty() ? completeIfDone(job).replaceWithVoid()
                                : republishMissing(job, pending.size())))
                .chain(() -> jobs.touch(jobId));
    }

    private Uni<Void> republishMissing(GradingJob job, int pendingBatches) {
        return tasks.lost(job.id()).chain(lost -> {
            if (lost.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Log.infof("job %s: republishing %d of %d pending batches, whose entries were lost", job.id(), lost.size(),
                    pendingBatches);
            return tasks.publish(job.tenantId(), job.id(), lost, job.batchSize());
        });
    }

    /** Ends a job that has nothing left (its last batch finished before it reached EXECUTING). */
    private Uni<GradingJob> completeIfDone(GradingJob job) {
        return completion.completeIfDone(job, CALLERS_TRACE);
    }

    private Uni<GradingJob> move(String tenant, UUID jobId, JobState from, JobState to) {
        return existing(tenant, jobId)
                .invoke(job -> JobStateMachine.require(job, to))
                .chain(job -> moveTo(tenant, jobId, from, to))
                .chain(moved -> moved == null ? conflict(tenant, jobId, to) : Uni.createFrom().item(moved));
    }

    /** One guarded transition and its event in one transaction; null when the job was not in {@code from}. */
    private Uni<GradingJob> moveTo(String tenant, UUID jobId, JobState from, JobState to) {
        return outbox.inTransaction((tx, added) -> jobs.transition(tx, tenant, jobId, to, Set.of(from))
                .invoke(moved -> {
                    if (moved != null) {
                        events.stateChanged(added, moved, from, CALLERS_TRACE);
                    }
                }));
    }

    private Uni<GradingJob> existing(String tenant, UUID jobId) {
        return jobs.find(tenant, jobId).onItem().ifNull().failWith(() -> ZhiyueException.notFound("grading job", jobId));
    }

    /** Another request moved the job first: report the state it is in now. */
    private Uni<GradingJob> conflict(String tenant, UUID jobId, JobState target) {
        return existing(tenant, jobId).chain(now -> Uni.createFrom().failure(
                now.state().canMoveTo(target)
                        ? new ZhiyueException(ErrorCode.ILLEGAL_STATE, "job " + jobId + " changed concurrently; it is "
                                + now.state() + " now, try again")
                        : JobStateMachine.illegal(now, target)));
    }

}
