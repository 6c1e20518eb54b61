package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.math.BigDecimal;
import java.util.UUID;

/** Payload of GRADING_PROGRESS: counters of one job right after a commit. */
@RegisterForReflection
public record GradingProgress(
        UUID jobId,
        UUID examId,
        String state,
        int total,
        int graded,
        int failed,
        int cancelled,
        BigDecimal percent) {

    public int done() {
        return graded + failed + cancelled;
    }

    public boolean isFinal() {
        return total > 0 && done() >= total;
    }
}
