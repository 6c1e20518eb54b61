package io.zhiyue.grading.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.stream.JobEvents;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * How a job ends, wherever its last counters moved (a worker's last commit, a start or resume that
 * found nothing left, recovery): an EXECUTING job with nothing left becomes COMPLETED, or FAILED
 * when not one of its submissions could be graded (every remaining task failed or was given up).
 * In the same transaction its timings are stored and its final progress and state change added;
 * after the commit, planner statistics are refreshed.
 */
@ApplicationScoped
public class JobCompletion {

    /** A job right after its counters moved; {@code ended} when this very transaction ended it. */
    public record Settled(GradingJob job, boolean ended) {
    }

    private final JobEvents events;
    private final JobRepository jobs;

    public JobCompletion(JobEvents events, JobRepository jobs) {
        this.events = events;
        this.jobs = jobs;
    }

    /** In the transaction that moved the counters: ends the job if nothing is left, else reports progress. */
    public Uni<Settled> settle(SqlConnection tx, OutboxEvents outbox, GradingJob job, String traceparent) {
        if (job.state() != JobState.EXECUTING || job.done() < job.total()) {
            events.progressIfDue(outbox, job, traceparent);
            return Uni.createFrom().item(new Settled(job, false));
        }
        JobState outcome = job.graded() == 0 && job.failed() > 0 ? JobState.FAILED : JobState.COMPLETED;
        return jobs.transition(tx, job.tenantId(), job.id(), outcome, JobState.sourcesOf(outcome))
                .chain(ended -> ended == null ? Uni.createFrom().<GradingJob>nullItem() : jobs.storeTimings(tx, job.id()))
                .map(ended -> {
                    if (ended == null) {
                        // another transaction ended it first
                        return new Settled(job, false);
                    }
                    events.ended(outbox, ended, traceparent);
                    return new Settled(ended, true);
                });
    }

    /** After that transaction committed. */
    public void afterCommit(Settled settled) {
        if (!settled.ended()) {
            return;
        }
        GradingJob job = settled.job();
        // statistics are an optimisation: nobody waits for them, a failure is only logged
        jobs.refreshStatistics().subscribe().with(done -> { },
                e -> Log.warnf("refreshing statistics after job %s failed: %s", job.id(), e.getMessage()));
    }
}
