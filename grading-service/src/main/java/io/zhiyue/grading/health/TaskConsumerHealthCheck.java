package io.zhiyue.grading.health;

import io.zhiyue.grading.stream.TaskStreamConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/** Not ready while a worker thread died or none has polled the task stream for a while. */
@Readiness
@ApplicationScoped
public class TaskConsumerHealthCheck implements HealthCheck {

    private static final Duration MAX_SILENCE = Duration.ofSeconds(30);

    private final TaskStreamConsumer consumer;

    public TaskConsumerHealthCheck(TaskStreamConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("Grading task stream consumer")
                .status(consumer.healthy(MAX_SILENCE))
                .withData("consumer", consumer.consumerName())
                .build();
    }
}
