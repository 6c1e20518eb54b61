package io.zhiyue.grading.stream;

import io.smallrye.mutiny.Uni;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.publish.StreamPublisher;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/**
 * Publishes task batches to {@code zhiyue:grading:tasks}. Not through the outbox: the task rows
 * are the record of what must still be published (a job reaches SPLIT_COMPLETE only once every
 * batch is out, and recovery republishes the pending batches of a job that stalls).
 */
@ApplicationScoped
public class TaskPublisher {

    private final StreamPublisher publisher;

    public TaskPublisher(StreamPublisher publisher) {
        this.publisher = publisher;
    }

    public Uni<Void> publish(String tenant, UUID jobId, List<Integer> batchNos, int batchSize, String traceparent) {
        List<Envelope> envelopes = batchNos.stream().map(batchNo -> {
            GradingTaskBatch batch = new GradingTaskBatch(jobId, batchNo, batchSize);
            return Envelope.of(EventType.GRADING_TASK, tenant, batch.idempotencyKey(), batch, traceparent);
        }).toList();
        return publisher.publishAll(Streams.GRADING_TASKS, envelopes);
    }
}
