package io.zhiyue.grading.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.grading.grader.GradeResult;
import io.zhiyue.grading.grader.RuleBasedGrader;
import io.zhiyue.grading.grader.RuleBasedGrader.PreparedQuestion;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.repository.BatchRepository;
import io.zhiyue.grading.repository.BatchRepository.Claimed;
import io.zhiyue.grading.repository.BatchRepository.PendingTask;
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
    private final RuleBasedGrader grader;
    private final PreparedRubrics rubrics;
    private final Counter graded;
    private final Counter failed;
    private final Timer batchTimer;

    public BatchGradingService(JobRepository jobs, BatchRepository batches, Outbox outbox,
            JobCompletion completion, RuleBasedGrader grader, PreparedRubrics rubrics, MeterRegistry registry) {
        this.completion = completion;
        this.grader = grader;
        this.rubrics = rubrics;
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
        return batches.loadPending(job.id(), batch.batchNo()).chain(pending -> pending.isEmpty()
                ? Uni.createFrom().voidItem()
                // resolve(…) hands over on a worker thread: grading is CPU work
                : rubrics.resolve(rubricIds(pending))
                        .map(questions -> grade(job, pending, questions))
                        .chain(results -> store(job.id(), traceparent, tx -> batches.commit(tx, job.id(),
                                job.tenantId(), grader.id(), OffsetDateTime.ofInstant(publishedAt, ZoneOffset.UTC),
                                pending, results))));
    }

    /** A submission whose rubric could not be compiled, or whose grading threw, is left out: it fails alone. */
    private Map<UUID, GradeResult> grade(GradingJob job, List<PendingTask> pending,
            Map<UUID, PreparedQuestion> questions) {
        Map<UUID, GradeResult> results = new HashMap<>();
        for (PendingTask task : pending) {
            PreparedQuestion question = questions.get(task.rubricId());
            if (question == null) {
                continue;
            }
            try {
                results.put(task.submissionId(), grader.grade(question, task.answer()));
            } catch (RuntimeException | StackOverflowError e) {
                Log.errorf("grading submission %s of job %s failed: %s", task.submissionId(), job.id(), e.getMessage());
            }
        }
        return results;
    }

    private static Set<UUID> rubricIds(List<PendingTask> pending) {
        Set<UUID> ids = new HashSet<>();
        for (PendingTask task : pending) {
            ids.add(task.rubricId());
        }
        return ids;
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
}
