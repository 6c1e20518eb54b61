package io.zhiyue.shared.event;

import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/** Payload of JOB_STATE_CHANGED, published after the transition commits. */
@RegisterForReflection
public record JobStateChanged(
        UUID jobId,
        UUID examId,
        String from,
        String to,
        int total,
        int graded,
        int failed,
        Instant at) {
}
