package io.zhiyue.grading.service;

import io.quarkus.logging.Log;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.repository.JobRepository.CounterUpdate;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.stream.JobEvents;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What follows a job reaching COMPLETED, wherever that happened (a worker's last commit, a start
 * or resume that found nothing left, recovery): the final progress and the state change in the
 * completing transaction, and fresh planner statistics for the tables the job filled after it.
 */
@ApplicationScoped
public class JobCompletion {

    private final JobEvents events;
    private final JobRepository jobs;

    public JobCompletion(JobEvents events, JobRepository jobs) {
        this.events = events;
        this.jobs = jobs;
    }

    /** In the transaction that moved the counters: the events that go with it. */
    public void record(OutboxEvents outbox, CounterUpdate update, String traceparent) {
        if (update.completedNow()) {
            events.completed(outbox, update.job(), traceparent);
        } else {
            events.progressIfDue(outbox, update.job(), traceparent);
        }
    }

    /** After that transaction committed. */
    public void afterCommit(CounterUpdate update) {
        if (!update.completedNow()) {
            return;
        }
        GradingJob job = update.job();
        // statistics are an optimisation: nobody waits for them, a failure is only logged
        jobs.refreshStatistics().subscribe().with(done -> { },
                e -> Log.warnf("refreshing statistics after job %s failed: %s", job.id(), e.getMessage()));
    }
}
