package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.UUID;

/** Payload of a {@code zhiyue:grading:tasks} entry: one batch of one job's tasks. */
@RegisterForReflection
public record GradingTaskBatch(UUID jobId, int batchNo, int size) {

    public String idempotencyKey() {
        return "task:" + jobId + ":" + batchNo;
    }
}
