package io.zhiyue.grading.service;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.grading.grader.GradeResult;
import io.zhiyue.grading.grader.GradingQuestion;
import io.zhiyue.grading.grader.RuleBasedGrader.PreparedQuestion;
import io.zhiyue.grading.grader.RuleBasedGrader;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.repository.BatchRepository.Claimed;
import io.zhiyue.grading.repository.BatchRepository.PendingTask;
import io.zhiyue.grading.repository.BatchRepository;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.service.JobCompletion.Settled;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Grades one batch from the task stream: load the still-pending tasks in one query, grade them in
 * memory, and store results, counters and the progress event in one transaction.
 */
@ApplicationScoped
public class BatchGradingService {

    private final JobRepository jobs;
    private final BatchRepository batches;
    private final Outbox outbox;
    private final JobCompletion completion;
    /** Rubric versions kept compiled; more than an exam's questions, far fewer than would matter in memory. */
    private static final int PREPARED_RUBRICS = 10_000;

    private final RuleBasedGrader grader = new RuleBasedGrader();
    /** The one rubric cache: rubric version id → compiled question (versions are immutable). */
    private final Cache<UUID, PreparedQuestion> prepared = Caffeine.newBuilder().maximumSize(PREPARED_RUBRICS).build();
    private final Counter graded;
    private final Counter failed;
    private final Timer batchTimer;

    public BatchGradingService(JobRepository jobs, BatchRepository batches, Outbox outbox,
            JobCompletion completion, MeterRegistry registry) {
        this.completion = completion;
        this.jobs = jobs;
        this.batches = batches;
        this.outbox = outbox;
        this.graded = Counter.builder("zhiyue.grading.submissions").tag("outcome", "graded").register(registry);
        this.failed = Counter.builder("zhiyue.grading.submissions").tag("outcome", "failed").register(registry);
        this.batchTimer = Timer.builder("zhiyue.grading.batch").publishPercentiles(0.5, 0.99).register(registry);
    }

    /** Completes once the batch needs no more work, so the entry can be acknowledged. */
    public Uni<Void> process(String tenant, GradingTaskBatch batch, Instant publishedAt, String traceparent) {
        Timer.Sample sample = Timer.start();
        return jobs.findAnyTenant(batch.jobId()).chain(job -> {
            if (job == null || !job.tenantId().equals(tenant)) {
                Log.warnf("task batch %s names an unknown job; dropped", batch.idempotencyKey());
                return Uni.createFrom().voidItem();
            }
            // a paused job's batches are republished on resume; a final job has nothing left to do
            if (job.state() == JobState.PAUSED || job.state().isFinal() || job.state() == JobState.CREATED) {
                return Uni.createFrom().voidItem();
            }
            return gradeBatch(job, batch, publishedAt, traceparent);
        }).invoke(() -> sample.stop(batchTimer));
    }

    /** Gives up on a batch that was delivered too often: its pending tasks are marked failed. */
    public Uni<Void> abandon(GradingTaskBatch batch, String traceparent) {
        return store(batch.jobId(), traceparent, tx -> batches.failBatch(tx, batch.jobId(), batch.batchNo()));
    }

    private Uni<Void> gradeBatch(GradingJob job, GradingTaskBatch batch, Instant publishedAt, String traceparent) {
        return batches.loadPending(job.id(), batch.batchNo()).chain(pending -> {
            if (pending.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            // grading is CPU work: keep it off the event loop that completed the query
            return unpreparedRubrics(pending).emitOn(Infrastructure.getDefaultWorkerPool())
                    .map(loaded -> grade(job, pending, loaded))
                    .chain(results -> store(job.id(), traceparent, tx -> batches.commit(tx, job.id(), job.tenantId(),
                            grader.id(), OffsetDateTime.ofInstant(publishedAt, ZoneOffset.UTC), pending, results)));
        });
    }

    /** {@code loaded}: the rubrics not compiled yet; a rubric that cannot be compiled fails its submissions only. */
    private Map<UUID, GradeResult> grade(GradingJob job, List<PendingTask> pending, Map<UUID, GradingQuestion> loaded) {
        Map<UUID, GradeResult> results = new HashMap<>();
        for (PendingTask task : pending) {
            try {
                PreparedQuestion question = prepared.get(task.rubricId(), id -> grader.prepare(loaded.get(id)));
                results.put(task.submissionId(), grader.grade(question, task.answer()));
            } catch (RuntimeException | StackOverflowError e) {
                Log.errorf("grading submission %s of job %s failed: %s", task.submissionId(), job.id(), e.getMessage());
            }
        }
        return results;
    }

    /**
     * One transaction: the claimed tasks' results (by {@code claim}), the job's counters, and the
     * events that go with them (progress, or completion).
     */
    private Uni<Void> store(UUID jobId, String traceparent, Function<SqlConnection, Uni<Claimed>> claim) {
        return outbox.inTransaction((tx, events) -> claim.apply(tx).chain(claimed -> !claimed.any()
                        ? Uni.createFrom().<Settled>nullItem()
                        : jobs.addCounters(tx, jobId, claimed.graded(), claimed.failed(), 0)
                                .invoke(() -> {
                                    graded.increment(claimed.graded());
                                    failed.increment(claimed.failed());
                                })
                                .chain(job -> completion.settle(tx, events, job, traceparent))))
                .invoke(settled -> {
                    if (settled != null) {
                        completion.afterCommit(settled);
                    }
                })
                .replaceWithVoid();
    }

    /** The frozen rubrics of the batch that are not compiled yet, from the database. */
    private Uni<Map<UUID, GradingQuestion>> unpreparedRubrics(List<PendingTask> pending) {
        Set<UUID> missing = new HashSet<>();
        for (PendingTask task : pending) {
            if (prepared.getIfPresent(task.rubricId()) == null) {
                missing.add(task.rubricId());
            }
        }
        return missing.isEmpty() ? Uni.createFrom().item(Map.of()) : batches.loadRubrics(missing);
    }
}
