package io.zhiyue.shared.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.time.Instant;
import java.util.UUID;

/**
 * Payload of JOB_STATE_CHANGED, published after the transition commits. {@code recovery} is set
 * (with {@code from} = {@code to}) when part of a running job was taken up again after a crash or
 * a resume: what was decided and why. {@code version} is the job's version that write made, and
 * {@code job} the job as grading-service's API shows it right after that write (both null from a
 * publisher that does not know them): what cache-service's read model serves until the next one.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobStateChanged(
        UUID jobId,
        UUID examId,
        String from,
        String to,
        int total,
        int graded,
        int failed,
        Instant at,
        Recovery recovery,
        Long version,
        JsonNode job) {

    public JobStateChanged(UUID jobId, UUID examId, String from, String to, int total, int graded, int failed,
            Instant at) {
        this(jobId, examId, from, to, total, graded, failed, at, null, null, null);
    }

    /**
     * How a batch taken up again went on: {@code RESUMED} from checkpoint {@code checkpointId} (its
     * {@code reused} LLM replies not paid for again), or {@code RESTARTED} (the unfinished part done
     * again) because the checkpoint was missing, corrupt or unreachable ({@code reason}).
     */
    @RegisterForReflection
    public record Recovery(String decision, int batchNo, String reason, UUID checkpointId, int reused, Instant at) {

        public static final String RESUMED = "RESUMED";
        public static final String RESTARTED = "RESTARTED";
    }
}
