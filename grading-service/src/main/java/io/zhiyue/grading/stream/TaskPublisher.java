package io.zhiyue.grading.stream;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.stream.Streams;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** Publishes task batches to {@code zhiyue:grading:tasks}; the task rows are committed before. */
@ApplicationScoped
public class TaskPublisher {

    private static final int PUBLISH_CONCURRENCY = 8;

    private final ReactiveStreamCommands<String, String, String> streams;
    private final GradingConfig config;

    public TaskPublisher(ReactiveRedisDataSource redis, GradingConfig config) {
        this.streams = redis.stream(String.class);
        this.config = config;
    }

    public Uni<Void> publish(String tenant, UUID jobId, List<Integer> batchNos, int batchSize) {
        if (batchNos.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String traceparent = Traceparent.current();
        XAddArgs trim = new XAddArgs().maxlen(config.tasksMaxLen()).nearlyExactTrimming();
        // a bounded number in flight: a 100,000-submission job must not flood the Redis pool
        return Multi.createFrom().iterable(batchNos)
                .onItem().transformToUni(batchNo -> {
                    GradingTaskBatch batch = new GradingTaskBatch(jobId, batchNo, batchSize);
                    Envelope envelope = Envelope.of(EventType.GRADING_TASK, tenant, batch.idempotencyKey(), batch,
                            traceparent);
                    return streams.xadd(Streams.GRADING_TASKS, trim, envelope.toFields());
                }).merge(PUBLISH_CONCURRENCY)
                .collect().last()
                .replaceWithVoid();
    }
}
