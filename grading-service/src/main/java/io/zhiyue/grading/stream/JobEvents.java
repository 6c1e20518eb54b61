package io.zhiyue.grading.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.model.GradingJob;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingProgress;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.event.QualityAlert;
import io.zhiyue.shared.event.ReviewItemChanged;
import io.zhiyue.shared.event.ScoreChanged;
import io.zhiyue.shared.job.JobState;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.streams.outbox.OutboxEvents;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The events of a grading job, added to a transaction that holds the job row's lock (the outbox
 * publishes them after the commit, in commit order per job: that lock orders the transactions).
 * State changes go with the change; progress, throttled per job and process, goes with a
 * transaction that read the counters under that lock. A job's final count always goes.
 */
@ApplicationScoped
public class JobEvents {

    /** Jobs whose last progress is remembered; a job another process finished is forgotten past this. */
    private static final int REMEMBERED_JOBS = 1_000;

    private final GradingConfig config;
    /** Job id → System.nanoTime() of the last progress event this process added. */
    private final Map<UUID, Long> lastProgress = new ConcurrentHashMap<>();

    public JobEvents(GradingConfig config) {
        this.config = config;
    }

    public void stateChanged(OutboxEvents events, GradingJob job, JobState from, String traceparent) {
        JobStateChanged payload = new JobStateChanged(job.id(), job.examId(), from == null ? null : from.name(),
                job.state().name(), job.total(), job.graded(), job.failed(), Instant.now(), null, job.version(),
                snapshot(job));
        // the commit time tells a second PAUSED → EXECUTING cycle apart from the first
        String key = "state:" + job.id() + ":" + job.state() + ":" + job.updatedAt();
        events.add(Streams.EVENTS, Envelope.of(EventType.JOB_STATE_CHANGED, job.tenantId(), key, payload, traceparent));
    }

    /** Part of a running job was taken up again: what was decided (resumed or restarted) and why. */
    public void recovered(OutboxEvents events, GradingJob job, JobStateChanged.Recovery recovery, String traceparent) {
        JobStateChanged payload = new JobStateChanged(job.id(), job.examId(), job.state().name(), job.state().name(),
                job.total(), job.graded(), job.failed(), Instant.now(), recovery, job.version(),
                snapshot(job));
        String key = "recovery:" + job.id() + ":" + recovery.batchNo() + ":" + recovery.at().toEpochMilli();
        events.add(Streams.EVENTS, Envelope.of(EventType.JOB_STATE_CHANGED, job.tenantId(), key, payload, traceparent));
    }

    /** The job as the API shows it, for the read model a JOB_STATE_CHANGED feeds. */
    private static JsonNode snapshot(GradingJob job) {
        return JsonCodec.mapper().valueToTree(job);
    }

    /** The job's counters as they are now, unconditionally (cancel, completion). */
    public void progress(OutboxEvents events, GradingJob job, String traceparent) {
        progress(events, job, null, traceparent);
    }

    /**
     * The job's counters as they are now; {@code cause} (null: none) is part of the key when counts it had before
     * are news again (a withdrawn mark puts the job back to an earlier count), so no consumer takes it for a
     * duplicate.
     */
    public void progress(OutboxEvents events, GradingJob job, String cause, String traceparent) {
        GradingProgress payload = new GradingProgress(job.id(), job.examId(), job.state().name(), job.total(),
                job.graded(), job.failed(), job.cancelled(), job.pendingReview(), job.percent(), job.version());
        long now = System.nanoTime();
        if (payload.isFinal() || job.state().isFinal()) {
            lastProgress.remove(job.id());
        } else {
            lastProgress.put(job.id(), now);
            if (lastProgress.size() > REMEMBERED_JOBS) {
                lastProgress.values().removeIf(at -> now - at > config.progressInterval().toNanos() * 100);
            }
        }
        // the state is part of the key: the same count in another state (PAUSED, COMPLETED) is news,
        // and so is an answer moving from pendingReview to graded (a person's mark) at the same count
        events.add(Streams.EVENTS, Envelope.of(EventType.GRADING_PROGRESS, job.tenantId(),
                "progress:" + job.id() + ":" + job.state() + ":" + payload.done() + ":" + job.graded()
                        + (cause == null ? "" : ":" + cause), payload, traceparent));
    }

    /** Progress unless this process sent one for the job less than the progress interval ago; whether it went. */
    public boolean progressIfDue(OutboxEvents events, GradingJob job, String traceparent) {
        if (!progressDue(job)) {
            return false;
        }
        progress(events, job, traceparent);
        return true;
    }

    /** Whether this process last sent progress for the job at least the progress interval ago (or it is done). */
    public boolean progressDue(GradingJob job) {
        Long last = lastProgress.get(job.id());
        return last == null || System.nanoTime() - last >= config.progressInterval().toNanos() || job.hasNothingLeft();
    }

    /**
     * A person's mark made an answer's score final ({@code reviewStatus} HUMAN), or a withdrawn mark took it back to
     * what it was (score null: none yet). The event names the job and question, not the student: the live channel
     * is no place for who scored what. {@code occurrence} (the mark, the withdrawal) makes the key one of its own.
     */
    public void scoreChanged(OutboxEvents events, String tenant, UUID jobId, UUID examId, UUID itemId,
            int questionNumber, BigDecimal score, String reviewStatus, String occurrence, String traceparent) {
        ScoreChanged payload = new ScoreChanged(jobId, examId, questionNumber, score, reviewStatus, Instant.now());
        events.add(Streams.EVENTS, Envelope.of(EventType.SCORE_CHANGED, tenant, "score:" + itemId + ":" + occurrence,
                payload, traceparent));
    }

    /**
     * A mark (or its withdrawal, {@code occurrence}) moved an item of the exam's review queue to {@code state}: an
     * item may come back to a state it had, which is news again.
     */
    public void reviewItemChanged(OutboxEvents events, String tenant, UUID examId, UUID jobId, UUID itemId,
            int questionNumber, String state, String occurrence, String traceparent) {
        ReviewItemChanged payload = new ReviewItemChanged(examId, jobId, itemId, questionNumber, state, Instant.now());
        events.add(Streams.EVENTS, Envelope.of(EventType.REVIEW_ITEM_CHANGED, tenant,
                "review:" + itemId + ":" + state + ":" + occurrence, payload, traceparent));
    }

    /** The AI's quality on a question fell below the bar: auto-accept stopped for it. */
    public void qualityAlert(OutboxEvents events, String tenant, UUID examId, UUID questionId, int questionNumber,
            int checked, double adjacentAgreement, String traceparent) {
        QualityAlert payload = new QualityAlert(QualityAlert.STATUS, examId, questionId, questionNumber, checked,
                adjacentAgreement, false, Instant.now());
        events.add(Streams.EVENTS, Envelope.of(EventType.SYSTEM_STATUS, tenant,
                "quality:" + questionId + ":" + payload.at().toEpochMilli(), payload, traceparent));
    }

    /** A job that just ran to its end (COMPLETED or FAILED): its final count, then the state change. */
    public void ended(OutboxEvents events, GradingJob job, String traceparent) {
        progress(events, job, traceparent);
        stateChanged(events, job, JobState.EXECUTING, traceparent);
    }
}
