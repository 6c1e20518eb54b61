package io.zhiyue.grading.checkpoint;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Whether marking is being checkpointed. Always UP: without checkpoint-service marking goes on (a
 * crashed batch pays for its LLM calls again, an embedding stage starts over), so it is a
 * degradation to see in the readiness details, not a reason to take the instance out of rotation.
 */
@Readiness
@ApplicationScoped
public class CheckpointsReadiness implements HealthCheck {

    private final Checkpoints checkpoints;

    public CheckpointsReadiness(Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    @Override
    public HealthCheckResponse call() {
        boolean degraded = checkpoints.degraded();
        return HealthCheckResponse.named("checkpoint-service").up().withData("degraded", degraded)
                .withData("detail", degraded ? "unreachable: marking goes on without checkpoints" : "checkpointing")
                .build();
    }
}
