package io.zhiyue.grading.stream;

import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.repository.JobRepository.PendingBatch;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.consumer.StreamBacklog;
import io.zhiyue.streams.publish.StreamPublisher;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Publishes task batches to {@code zhiyue:grading:tasks} and records the entry each became. Not
 * through the outbox: the task rows are the record of what must still be done (a job reaches
 * SPLIT_COMPLETE only once every batch is out), and recovery republishes a pending batch only
 * when its entry will never be delivered again.
 */
@ApplicationScoped
public class TaskPublisher {

    private final StreamPublisher publisher;
    private final StreamBacklog backlog;
    private final JobRepository jobs;

    public TaskPublisher(StreamPublisher publisher, StreamBacklog backlog, JobRepository jobs) {
        this.publisher = publisher;
        this.backlog = backlog;
        this.jobs = jobs;
    }

    public Uni<Void> publish(String tenant, UUID jobId, List<Integer> batchNos, int batchSize) {
        List<Envelope> envelopes = batchNos.stream().map(batchNo -> {
            GradingTaskBatch batch = new GradingTaskBatch(jobId, batchNo, batchSize);
            return Envelope.of(EventType.GRADING_TASK, tenant, batch.idempotencyKey(), batch, null);
        }).toList();
        return publisher.publishAll(Streams.GRADING_TASKS, envelopes)
                .chain(ids -> batchNos.isEmpty() ? Uni.createFrom().voidItem() : jobs.recordBatches(jobId, batchNos, ids));
    }

    /**
     * The pending batches whose entry the graders will never see: never published, trimmed, lost
     * with Redis, or acknowledged without their work done. A batch still waiting its turn is not one.
     */
    public Uni<List<Integer>> lost(UUID jobId) {
        return jobs.pendingBatchEntries(jobId).chain(pending -> {
            List<String> ids = pending.stream().map(PendingBatch::streamId).filter(Objects::nonNull).toList();
            Uni<Set<String>> queued = ids.isEmpty() ? Uni.createFrom().item(Set.of())
                    : backlog.stillQueued(Streams.GRADING_TASKS, Streams.GRADERS_GROUP, ids);
            return queued.map(alive -> pending.stream()
                    .filter(batch -> batch.streamId() == null || !alive.contains(batch.streamId()))
                    .map(PendingBatch::batchNo)
                    .toList());
        });
    }
}
