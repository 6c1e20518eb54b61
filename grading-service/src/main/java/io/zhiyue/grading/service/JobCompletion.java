package io.zhiyue.grading.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.stream.EventPublisher;
import io.zhiyue.shared.job.JobState;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What follows a job reaching COMPLETED, wherever that happened (a worker's last commit, a start
 * or resume that found nothing left, recovery): the final progress, the state change, and fresh
 * planner statistics for the tables the job filled.
 */
@ApplicationScoped
public class JobCompletion {

    private final EventPublisher events;
    private final JobRepository jobs;

    public JobCompletion(EventPublisher events, JobRepository jobs) {
        this.events = events;
        this.jobs = jobs;
    }

    public Uni<Void> announce(GradingJob completed) {
        return events.progress(completed)
                .chain(() -> events.stateChanged(completed, JobState.EXECUTING))
                // statistics are an optimisation: nobody waits for them, a failure is only logged
                .invoke(() -> jobs.refreshStatistics().subscribe().with(done -> { },
                        e -> Log.warnf("refreshing statistics after job %s failed: %s", completed.id(),
                                e.getMessage())));
    }
}
