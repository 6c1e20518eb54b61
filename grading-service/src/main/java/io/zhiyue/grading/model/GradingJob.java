package io.zhiyue.grading.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.zhiyue.shared.job.JobState;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A grading job as the API shows it; stages are ready only once their data is committed. */
public record GradingJob(
        UUID id,
        @JsonIgnore String tenantId,
        UUID examId,
        JobState state,
        int total,
        int graded,
        int failed,
        int cancelled,
        BigDecimal percent,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime completedAt,
        Stages stages,
        Timings timings,
        @JsonIgnore OffsetDateTime updatedAt,
        // submissions per task batch, fixed when the job is created so a config change cannot split it differently
        @JsonIgnore int batchSize) {

    public record Stage(boolean ready, OffsetDateTime at) {

        static Stage of(OffsetDateTime at) {
            return new Stage(at != null, at);
        }
    }

    public record Stages(Stage analyzed, Stage split, Stage executing, Stage completed) {
    }

    /** Figures of a finished job; null while it runs. */
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

    public int done() {
        return graded + failed + cancelled;
    }

    public GradingJob withTimings(Timings value) {
        return new GradingJob(id, tenantId, examId, state, total, graded, failed, cancelled, percent, createdAt,
                startedAt, completedAt, stages, value, updatedAt, batchSize);
    }
}
