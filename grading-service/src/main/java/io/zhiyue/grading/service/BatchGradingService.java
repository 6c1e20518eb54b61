package io.zhiyue.grading.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.embedding.ExemplarProposals;
import io.zhiyue.grading.grader.GradeResult;
import io.zhiyue.grading.grader.ProposalBlend;
import io.zhiyue.grading.grader.RuleBasedGrader;
import io.zhiyue.grading.grader.RuleBasedGrader.PreparedQuestion;
import io.zhiyue.grading.llm.LlmCheckpoints;
import io.zhiyue.grading.llm.LlmProposals;
import io.zhiyue.grading.marking.MarkingPolicy;
import io.zhiyue.grading.model.ReviewStatus;
import io.zhiyue.grading.repository.BatchRepository;
import io.zhiyue.grading.repository.BatchRepository.Outcome;
import io.zhiyue.grading.repository.BatchRepository.PendingTask;
import io.zhiyue.grading.repository.BatchRepository.Recorded;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.reuse.ResultReuse;
import io.zhiyue.grading.stream.JobEvents;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Grades one batch from the task stream: load the batch's tasks without an outcome in one query,
 * grade them in memory, and record every outcome with the job's counters in one statement.
 */
@ApplicationScoped
public class BatchGradingService {

    private final BatchRepository batches;
    private final JobCompletion completion;
    private final RuleBasedGrader grader;
    private final PreparedRubrics rubrics;
    private final ExemplarProposals exemplars;
    private final LlmProposals llm;
    private final ResultReuse reuse;
    private final Outbox outbox;
    private final JobRepository jobs;
    private final JobEvents jobEvents;
    private final Counter graded;
    private final Counter failed;
    private final Counter pendingReview;
    private final Counter autoAccepted;
    private final Timer batchTimer;

    public BatchGradingService(BatchRepository batches, JobCompletion completion, RuleBasedGrader grader,
            PreparedRubrics rubrics, ExemplarProposals exemplars, LlmProposals llm, ResultReuse reuse, Outbox outbox,
            JobRepository jobs, JobEvents jobEvents, MeterRegistry registry) {
        this.llm = llm;
        this.reuse = reuse;
        this.outbox = outbox;
        this.jobs = jobs;
        this.jobEvents = jobEvents;
        this.batches = batches;
        this.completion = completion;
        this.grader = grader;
        this.rubrics = rubrics;
        this.exemplars = exemplars;
        this.graded = Counter.builder("zhiyue.grading.submissions").tag("outcome", "graded").register(registry);
        this.failed = Counter.builder("zhiyue.grading.submissions").tag("outcome", "failed").register(registry);
        this.pendingReview = Counter.builder("zhiyue.grading.submissions").tag("outcome", "needs-review")
                .register(registry);
        // a share of outcome=graded, not another outcome: the outcomes still add up to the submissions
        this.autoAccepted = Counter.builder("zhiyue.grading.auto.accepted")
                .description("AI proposals accepted without a person (counted in outcome=graded too)")
                .register(registry);
        this.batchTimer = Timer.builder("zhiyue.grading.batch").publishPercentiles(0.5, 0.99).register(registry);
    }

    /**
     * Completes once the batch needs no more work, so the entry can be acknowledged. A batch of an
     * unknown job, of another tenant, or of a job that is not being graded (paused: its batches
     * are republished on resume; ended) has nothing pending. Identical answers are marked once
     * ({@link ResultReuse}): the batch is looked up in the result cache first, and only what it
     * did not have reaches the graders; what they graded is written back once recorded.
     */
    public Uni<Void> process(String tenant, GradingTaskBatch batch, Instant publishedAt, String traceparent,
            boolean redelivered) {
        Timer.Sample sample = Timer.start();
        UUID jobId = batch.jobId();
        return batches.loadPending(tenant, jobId, batch.batchNo()).chain(pending -> pending.isEmpty()
                        ? Uni.createFrom().voidItem()
                        : reuse.plan(tenant, pending)
                                .chain(plan -> graded(tenant, jobId, batch.batchNo(), plan, redelivered, traceparent)
                                        .map(plan::complete))
                                .chain(outcomes -> batches.record(jobId, tenant,
                                                OffsetDateTime.ofInstant(publishedAt, ZoneOffset.UTC), outcomes)
                                        .call(() -> reuse.remember(tenant, outcomes)))
                                .chain(recorded -> counted(recorded, traceparent)))
                .invoke(() -> sample.stop(batchTimer));
    }

    /** The outcomes of the answers the plan leaves to the graders. */
    private Uni<List<Outcome>> graded(String tenant, UUID jobId, int batchNo, ResultReuse.Plan plan,
            boolean redelivered, String traceparent) {
        List<PendingTask> pending = plan.toGrade();
        // both hand over on a worker thread: grading is CPU work
        return exemplars.propose(tenant, pending)
                .chain(proposed -> llm.propose(tenant, jobId, batchNo, pending, proposed)
                        .call(said -> recovered(jobId, batchNo, said, redelivered, traceparent))
                        .chain(said -> rubrics.resolve(rubricIds(pending))
                                .map(questions -> grade(jobId, pending, questions, proposed, said.outcomes(), plan))));
    }

    /**
     * A batch taken up again (delivered again after a crash, or found with a checkpoint) says on
     * its job what it did: resumed from its checkpoint, or restarted and why. Nothing for a first
     * delivery with nothing to resume, nor for a batch the LLM grader had nothing to do in.
     */
    private Uni<Void> recovered(UUID jobId, int batchNo, LlmProposals.Proposals said, boolean redelivered,
            String traceparent) {
        LlmCheckpoints.Restored restored = said.restored();
        if (restored == null || !redelivered && !restored.found()) {
            return Uni.createFrom().voidItem();
        }
        JobStateChanged.Recovery recovery = restored.found()
                ? new JobStateChanged.Recovery(JobStateChanged.Recovery.RESUMED, batchNo,
                        restored.why() == null ? "resumed from its checkpoint" : restored.why(),
                        restored.checkpointId(), said.reused(), Instant.now())
                : new JobStateChanged.Recovery(JobStateChanged.Recovery.RESTARTED, batchNo,
                        restored.why() + ": its LLM calls were made again", null, 0, Instant.now());
        return outbox.inTransaction((tx, events) -> jobs.recordRecovery(tx, jobId, recovery).invoke(job -> {
                    if (job != null) {
                        jobEvents.recovered(events, job, recovery, traceparent);
                    }
                }))
                .replaceWithVoid()
                // the decision is information; failing to record it must not fail the batch
                .onFailure().recoverWithItem(failure -> {
                    Log.warnf("the recovery decision of batch %d of job %s was not recorded: %s", batchNo, jobId,
                            failure.toString());
                    return null;
                });
    }

    /** Gives up on a batch that was delivered too often: its tasks without an outcome fail. */
    public Uni<Void> abandon(GradingTaskBatch batch, String traceparent) {
        return batches.failBatch(batch.jobId(), batch.batchNo()).chain(recorded -> counted(recorded, traceparent));
    }

    private Uni<Void> counted(Recorded recorded, String traceparent) {
        if (recorded == null) {
            return Uni.createFrom().voidItem();
        }
        graded.increment(recorded.graded());
        failed.increment(recorded.failed());
        pendingReview.increment(recorded.pendingReview());
        autoAccepted.increment(recorded.autoAccepted());
        return completion.afterCounting(recorded.job(), traceparent);
    }

    /**
     * Each task's outcome under its question's marking settings. A submission whose rubric could
     * not be compiled, or whose grading threw, has no proposal: it fails alone in rule mode and
     * goes to people in ai mode, as does one no grader is asked about (ai mode, no points, fewer
     * than five teacher marks). In ai mode the exemplar grader's proposal ({@code proposed}, by
     * submission) and the LLM grader's ({@code llmSaid}) are blended with the rule-based one
     * ({@link ProposalBlend}); an answer the LLM grader could not say anything about goes to people. A task with a
     * teacher's mark under the job's version takes that mark (HUMAN) without grading. An answer with a result cache
     * address carries it, and is written back unless the LLM grader that its address names could not say.
     */
    private List<Outcome> grade(UUID jobId, List<PendingTask> pending, Map<UUID, PreparedQuestion> questions,
            Map<UUID, ExemplarProposals.Proposed> proposed, Map<UUID, LlmProposals.Outcome> llmSaid,
            ResultReuse.Plan plan) {
        List<Outcome> outcomes = new ArrayList<>(pending.size());
        for (PendingTask task : pending) {
            if (task.teacherScore() != null) {
                // a teacher marked this answer under this version: that mark is final, no grader is asked
                outcomes.add(new Outcome(task, ReviewStatus.HUMAN, null));
                continue;
            }
            GradeResult rule = task.marking().graderProposes() ? propose(jobId, task, questions) : null;
            ExemplarProposals.Proposed exemplar = proposed.get(task.submissionId());
            LlmProposals.Outcome llmOutcome = llmSaid.get(task.submissionId());
            GradeResult proposal = ProposalBlend.of(exemplar == null ? null : exemplar.proposal(),
                    llmOutcome == null ? null : llmOutcome.proposal(), rule, task.marking().maxScore());
            // the LLM could not say (malformed twice, unavailable, budget spent): people decide
            boolean llmCouldNotSay = llmOutcome != null && llmOutcome.review() != null;
            ReviewStatus review = llmCouldNotSay ? ReviewStatus.NEEDS_REVIEW
                    : MarkingPolicy.decide(task.marking(), proposal == null ? null : proposal.confidence());
            ResultReuse.Address address = plan.address(task.submissionId());
            outcomes.add(address == null ? new Outcome(task, review, proposal)
                    : new Outcome(task, review, proposal, null, address.questionVersion(), address.key(),
                            review != null && proposal != null && !llmCouldNotSay));
        }
        return outcomes;
    }

    private GradeResult propose(UUID jobId, PendingTask task, Map<UUID, PreparedQuestion> questions) {
        PreparedQuestion question = questions.get(task.rubricId());
        if (question == null) {
            return null;
        }
        try {
            return grader.grade(question, task.answer());
        } catch (RuntimeException | StackOverflowError e) {
            Log.errorf("grading submission %s of job %s failed: %s", task.submissionId(), jobId, e.getMessage());
            return null;
        }
    }

    /** The rubric versions the grader is asked about. */
    private static Set<UUID> rubricIds(List<PendingTask> pending) {
        Set<UUID> ids = new HashSet<>();
        for (PendingTask task : pending) {
            if (task.teacherScore() == null && task.marking().graderProposes()) {
                ids.add(task.rubricId());
            }
        }
        return ids;
    }
}
