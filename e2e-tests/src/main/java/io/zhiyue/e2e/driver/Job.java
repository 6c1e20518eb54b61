package io.zhiyue.e2e.driver;

import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * A grading job as {@code GET /grading-jobs/{jobId}} shows it. Timings stay null until the job
 * completes; {@code version} grows with every write to the job.
 */
public record Job(
        String id,
        String examId,
        String state,
        int total,
        int graded,
        int failed,
        int cancelled,
        int pendingReview,
        BigDecimal percent,
        OffsetDateTime createdAt,
        OffsetDateTime startedAt,
        OffsetDateTime completedAt,
        Stages stages,
        Timings timings,
        long version) {

    public int done() {
        return graded + failed + cancelled + pendingReview;
    }

    public boolean isFinal() {
        return "COMPLETED".equals(state) || "CANCELLED".equals(state) || "FAILED".equals(state);
    }

    public record Stages(Stage analyzed, Stage split, Stage executing, Stage completed) {
    }

    public record Stage(boolean ready) {
    }

    public record Timings(
            Long totalMs,
            Long executeMs,
            BigDecimal submissionsPerSecond,
            BigDecimal publishToCommitP50Ms,
            BigDecimal publishToCommitP99Ms) {
    }
}
