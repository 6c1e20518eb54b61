package io.zhiyue.grading.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.grading.stream.JobEvents;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.streams.outbox.Outbox;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * How a job ends, wherever its last counters moved (a worker's last batch, a start or resume that
 * found nothing left, recovery): an EXECUTING job with nothing left becomes COMPLETED, or FAILED
 * when not one of its submissions could be graded (every remaining task failed or was given up).
 * In the same transaction its timings are stored and its final progress and state change added;
 * after the commit, planner statistics are refreshed.
 *
 * <p>A worker counts outcomes in one statement of its own; what follows (progress when due, the
 * end) runs in a transaction that locks the job row and reads the counters again, so events leave
 * in the order of that lock, never go backwards and never follow the job's end. A crash between the
 * two loses at most a throttled progress event; recovery ends a job that has nothing left.
 */
@ApplicationScoped
public class JobCompletion {

    /** A job as the settling transaction found it; {@code ended} when that very transaction ended it. */
    record Settled(GradingJob job, boolean ended) {
    }

    private final JobEvents events;
    private final JobRepository jobs;
    private final Outbox outbox;

    public JobCompletion(JobEvents events, JobRepository jobs, Outbox outbox) {
        this.events = events;
        this.jobs = jobs;
        this.outbox = outbox;
    }

    /** After a worker's statement counted outcomes on {@code job}: ends it if nothing is left, else reports progress when due. */
    public Uni<Void> afterCounting(GradingJob job, String traceparent) {
        if (!job.hasNothingLeft() && !events.progressDue(job)) {
            return Uni.createFrom().voidItem();
        }
        return settle(job, traceparent).replaceWithVoid();
    }

    /** Ends a job that has nothing left (idempotent: a job already ended stays as it is). */
    public Uni<GradingJob> completeIfDone(GradingJob job, String traceparent) {
        return job.hasNothingLeft() ? settle(job, traceparent) : Uni.createFrom().item(job);
    }

    private Uni<GradingJob> settle(GradingJob job, String traceparent) {
        return outbox.inTransaction((tx, added) -> jobs.lock(tx, job.id())
                        .chain(current -> settle(tx, added, current, traceparent)))
                .invoke(this::afterCommit)
                .map(Settled::job);
    }

    /** With the job row locked: ends the job if nothing is left, else reports progress when due; an ended job stays silent. */
    private Uni<Settled> settle(SqlConnection tx, OutboxEvents outbox, GradingJob job, String traceparent) {
        if (job.state().isFinal()) {
            return Uni.createFrom().item(new Settled(job, false));
        }
        if (!job.hasNothingLeft()) {
            if (!events.progressIfDue(outbox, job, traceparent)) {
                return Uni.createFrom().item(new Settled(job, false));
            }
            // a progress report is not worth the job row staying locked for a WAL flush: a crash
            // may lose it (the next one, or the end, says more), never a state change
            return jobs.commitWithoutWaitingForDisk(tx).replaceWith(new Settled(job, false));
        }
        // FAILED only when not one answer was graded or went to people
        JobState outcome = job.graded() == 0 && job.pendingReview() == 0 && job.failed() > 0 ? JobState.FAILED
                : JobState.COMPLETED;
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
    private void afterCommit(Settled settled) {
        if (!settled.ended()) {
            return;
        }
        GradingJob job = settled.job();
        // statistics are an optimisation: nobody waits for them, a failure is only logged
        jobs.refreshStatistics().subscribe().with(done -> { },
                e -> Log.warnf("refreshing statistics after job %s failed: %s", job.id(), e.getMessage()));
    }
}
