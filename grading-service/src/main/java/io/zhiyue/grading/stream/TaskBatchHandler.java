package io.zhiyue.grading.stream;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.service.BatchGradingService;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.Delivery;
import io.zhiyue.streams.consumer.StreamConsumers;
import io.zhiyue.streams.consumer.StreamHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The grading workers: {@code zhiyue.grading.workers} threads per process in consumer group
 * {@code graders} of {@code zhiyue:grading:tasks}, one batch at a time, acknowledged after its
 * results commit (delivery, liveness and dead letters: shared-streams).
 */
@ApplicationScoped
public class TaskBatchHandler implements StreamHandler {

    private final BatchGradingService grading;
    private final StreamConsumers consumers;
    private final GradingConfig config;

    public TaskBatchHandler(BatchGradingService grading, StreamConsumers consumers, GradingConfig config) {
        this.grading = grading;
        this.consumers = consumers;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.workers() > 0) {
            consumers.start(Streams.GRADING_TASKS, Streams.GRADERS_GROUP, config.workers(), this);
        }
    }

    @Override
    public Uni<Void> handle(Delivery delivery) {
        return grading.process(delivery.envelope().tenantId(), delivery.envelope().payloadAs(GradingTaskBatch.class),
                delivery.envelope().occurredAt(), delivery.traceparent(), delivery.deliveries() > 1);
    }

    /** A batch that keeps failing: its tasks without an outcome get FAILED, so the job can still finish. */
    @Override
    public Uni<Void> deadLettered(Delivery delivery, String reason) {
        return grading.abandon(delivery.envelope().payloadAs(GradingTaskBatch.class), delivery.traceparent());
    }
}
