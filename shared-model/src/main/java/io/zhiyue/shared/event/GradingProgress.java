package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.util.UUID;

/** Payload of GRADING_PROGRESS: counters of one job right after a commit, and the job's version that commit made. */
@RegisterForReflection
public record GradingProgress(
        UUID jobId,
        UUID examId,
        String state,
        int total,
        int graded,
        int failed,
        int cancelled,
        int pendingReview,
        BigDecimal percent,
        long version) {

    /** Graded, failed, cancelled, or waiting for people: nothing more for the graders to do. */
    public int done() {
        return graded + failed + cancelled + pendingReview;
    }

    public boolean isFinal() {
        return total > 0 && done() >= total;
    }
}
