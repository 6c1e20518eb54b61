package io.zhiyue.grading.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.job.JobState;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A grading job as the API shows it; stages are ready only once their data is committed. Also the
 * snapshot every JOB_STATE_CHANGED carries (Jackson writes it outside REST).
 */
@RegisterForReflection
public record GradingJob(
        UUID id,
        @JsonIgnore String tenantId,
        UUID examId,
        JobState state,
        int total,
        int graded,
        int failed,
        int cancelled,
        // answers with a proposal or none, waiting for people (ai marking mode): done, not graded
        int pendingReview,
        BigDecimal percent,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime completedAt,
        Stages stages,
        Timings timings,
        Llm llm,
        // the latest decision taken when part of the job was taken up again (null: none so far)
        JobStateChanged.Recovery recovery,
        // incremented by every write in the write's transaction: ask a read model for at least this
        long version,
        @JsonIgnore OffsetDateTime updatedAt,
        // submissions per task batch, fixed when the job is created so a config change cannot split it differently
        @JsonIgnore int batchSize,
        // identical answers are marked once (cache-service); false: every answer graded on its own
        boolean reuseResults) {

    @RegisterForReflection
    public record Stage(boolean ready, OffsetDateTime at) {

        static Stage of(OffsetDateTime at) {
            return new Stage(at != null, at);
        }
    }

    @RegisterForReflection
    public record Stages(Stage analyzed, Stage split, Stage executing, Stage completed) {
    }

    /**
     * The LLM grader's spending: prompt tokens in, completion tokens out, and the job's budget for
     * both together; once spent, the job's remaining answers go to people without an LLM proposal.
     */
    @RegisterForReflection
    public record Llm(long tokenBudget, long tokensIn, long tokensOut) {

        public boolean budgetExhausted() {
            return tokensIn + tokensOut >= tokenBudget;
        }
    }

    /** Figures of a finished job; null while it runs. */
    @RegisterForReflection
    public record Timings(Long totalMs, Long executeMs, BigDecimal submissionsPerSecond,
            BigDecimal publishToCommitP50Ms, BigDecimal publishToCommitP99Ms) {
    }

    public static BigDecimal percent(int total, int done) {
        if (total == 0) {
            return BigDecimal.ZERO.setScale(1);
        }
        return BigDecimal.valueOf(done * 100L).divide(BigDecimal.valueOf(total), 1, RoundingMode.DOWN);
    }

    public static Stages stages(OffsetDateTime analyzedAt, OffsetDateTime splitAt, OffsetDateTime executingAt,
            OffsetDateTime completedAt) {
        return new Stages(Stage.of(analyzedAt), Stage.of(splitAt), Stage.of(executingAt), Stage.of(completedAt));
    }

    /** The figures of a job that ran to its end (null before): durations from its stage times. */
    public static Timings timings(OffsetDateTime startedAt, OffsetDateTime executingAt, OffsetDateTime completedAt,
            int total, BigDecimal p50Ms, BigDecimal p99Ms) {
        if (startedAt == null || completedAt == null) {
            return null;
        }
        long totalMs = Duration.between(startedAt, completedAt).toMillis();
        Long executeMs = executingAt == null ? null : Duration.between(executingAt, completedAt).toMillis();
        BigDecimal rate = totalMs <= 0 ? null
                : BigDecimal.valueOf(total * 1000L).divide(BigDecimal.valueOf(totalMs), 1, RoundingMode.HALF_UP);
        return new Timings(totalMs, executeMs, rate, p50Ms, p99Ms);
    }

    public int done() {
        return graded + failed + cancelled + pendingReview;
    }

    /** EXECUTING with an outcome for every task: what ends a job. */
    public boolean hasNothingLeft() {
        return state == JobState.EXECUTING && done() >= total;
    }
}
