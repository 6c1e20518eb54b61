package io.zhiyue.grading.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.devstack.RespClient;
import io.zhiyue.grading.GradingTestData;
import io.zhiyue.grading.TaskRows;
import io.zhiyue.grading.config.GradingConfig;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Nothing lost on a crash: jobs whose process died between stages are finished by the recovery
 * sweep. The crash is simulated by doing only part of the work and ageing the job past the stall
 * timeout; the sweep is then run directly, so the test does not wait for its timer.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class JobRecoveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    JobRecovery recovery;

    @Inject
    JobRepository jobs;

    @Inject
    Pool pool;

    @Inject
    MeterRegistry registry;

    @Inject
    GradingConfig config;

    @Test
    void jobAnalysedButNeverSplitIsSplitAndGraded() {
        String examId = GradingTestData.createExam("recovery-split");
        GradingTestData.addKeywordNumericQuestion(examId, 1);
        GradingTestData.uploadCsv(examId, GradingTestData.keywordNumericAnswers(230)).statusCode(200);
        UUID jobId = UUID.fromString(GradingTestData.createJob(examId));
        // the process died right after ANALYZED committed: no task rows, nothing published
        pool.withTransaction(tx -> jobs.analyze(tx, TenantHeaders.DEFAULT_TENANT, jobId, UUID.fromString(examId)))
                .await().atMost(PATIENCE);
        age(jobId);

        await().atMost(PATIENCE).until(recovery::leading);
        recovery.sweep().await().atMost(PATIENCE);

        GradingTestData.awaitState(jobId.toString(), "COMPLETED");
        GradingTestData.job(jobId.toString()).body("total", equalTo(230)).body("graded", equalTo(230))
                .body("stages.split.ready", equalTo(true));
    }

    @Test
    void executingJobWithNothingPendingIsCompleted() {
        String examId = GradingTestData.createExam("recovery-complete");
        GradingTestData.addKeywordNumericQuestion(examId, 1);
        GradingTestData.uploadCsv(examId, GradingTestData.keywordNumericAnswers(40)).statusCode(200);
        String jobId = GradingTestData.createJob(examId);
        GradingTestData.control(jobId, "start").statusCode(200);
        GradingTestData.awaitState(jobId, "COMPLETED");
        // the process died after the last batch committed, before the job was marked complete
        pool.preparedQuery("UPDATE grading_jobs SET state = 'EXECUTING', completed_at = NULL WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(jobId))).await().atMost(PATIENCE);
        age(UUID.fromString(jobId));

        await().atMost(PATIENCE).until(recovery::leading);
        recovery.sweep().await().atMost(PATIENCE);

        GradingTestData.job(jobId).body("state", equalTo("COMPLETED")).body("graded", equalTo(40));
    }

    @Test
    void onlyBatchesWhoseEntriesWereLostAreRepublished() {
        String examId = GradingTestData.createExam("recovery-lost");
        GradingTestData.addKeywordNumericQuestion(examId, 1);
        GradingTestData.uploadCsv(examId, GradingTestData.keywordNumericAnswers(250)).statusCode(200);
        UUID jobId = UUID.fromString(GradingTestData.gradeToCompletion(examId));
        TaskRows.reopenBatch(pool, jobId, 0);
        TaskRows.reopenBatch(pool, jobId, 1);
        String waiting;
        String lost;
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            // batch 0: held by a consumer that is alive (it heartbeats), so its entry will be processed
            redis.call("SET", "zhiyue:streams:alive:" + Streams.GRADING_TASKS + ":" + Streams.GRADERS_GROUP + ":busy",
                    "busy", "PX", "60000");
            redis.call("MULTI");
            redis.call(xadd(jobId, 0));
            redis.call("XREADGROUP", "GROUP", Streams.GRADERS_GROUP, "busy", "COUNT", "1", "STREAMS",
                    Streams.GRADING_TASKS, ">");
            waiting = entryId(((List<?>) redis.call("EXEC")).get(1));
            // batch 1: its entry was trimmed away before anyone read it (in one step, so no worker reads it)
            List<String> trimmedAway = new ArrayList<>(List.of("EVAL",
                    "local id = redis.call(unpack(ARGV)) redis.call('XDEL', KEYS[1], id) return id", "1",
                    Streams.GRADING_TASKS));
            trimmedAway.addAll(List.of(xadd(jobId, 1)));
            lost = String.valueOf(redis.call(trimmedAway.toArray(new String[0])));
        }
        record(jobId, 0, waiting);
        record(jobId, 1, lost);
        age(jobId);

        await().atMost(PATIENCE).until(recovery::leading);
        recovery.sweep().await().atMost(PATIENCE);
        // the stalled-job gauges show what the sweep found: a job without progress for the stall timeout at least
        await().atMost(PATIENCE).until(() -> registry.get("zhiyue.grading.jobs.stalled").gauge().value() >= 1);
        assertThat(registry.get("zhiyue.grading.jobs.stalled.longest").gauge().value())
                .isGreaterThanOrEqualTo(config.stallTimeout().toSeconds());

        // (a sweep of the recovery timer may have been the one that ran)
        await("the lost batch published again").atMost(PATIENCE).until(() -> !lost.equals(streamIdOf(jobId, 1)));
        await().atMost(PATIENCE).until(() -> TaskRows.pendingTasks(pool, jobId, 1) == 0);
        assertThat(streamIdOf(jobId, 0)).as("a batch still waiting is left alone").isEqualTo(waiting);
        assertThat(TaskRows.pendingTasks(pool, jobId, 0)).as("batch 0 waits for its live holder").isPositive();

        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            redis.call("DEL", "zhiyue:streams:alive:" + Streams.GRADING_TASKS + ":" + Streams.GRADERS_GROUP + ":busy");
        }
        GradingTestData.awaitState(jobId.toString(), "COMPLETED");
        GradingTestData.job(jobId.toString()).body("graded", equalTo(250));
    }

    private void record(UUID jobId, int batchNo, String streamId) {
        pool.preparedQuery("UPDATE grading_batches SET stream_id = $3 WHERE job_id = $1 AND batch_no = $2")
                .execute(Tuple.of(jobId, batchNo, streamId)).await().atMost(PATIENCE);
    }

    private String streamIdOf(UUID jobId, int batchNo) {
        return pool.preparedQuery("SELECT stream_id FROM grading_batches WHERE job_id = $1 AND batch_no = $2")
                .execute(Tuple.of(jobId, batchNo)).await().atMost(PATIENCE).iterator().next().getString(0);
    }

    private static String[] xadd(UUID jobId, int batchNo) {
        GradingTaskBatch batch = new GradingTaskBatch(jobId, batchNo, 100);
        Envelope envelope = Envelope.of(EventType.GRADING_TASK, TenantHeaders.DEFAULT_TENANT, batch.idempotencyKey(),
                batch, null);
        List<String> command = new ArrayList<>(List.of("XADD", Streams.GRADING_TASKS, "*"));
        envelope.toFields().forEach((field, value) -> {
            command.add(field);
            command.add(value);
        });
        return command.toArray(new String[0]);
    }

    private static String entryId(Object xreadgroupReply) {
        List<?> streams = (List<?>) xreadgroupReply;
        List<?> entries = (List<?>) ((List<?>) streams.get(0)).get(1);
        return (String) ((List<?>) entries.get(0)).get(0);
    }

    /** Makes the job look stalled for longer than the stall timeout. */
    private void age(UUID jobId) {
        pool.preparedQuery("UPDATE grading_jobs SET updated_at = now() - interval '1 hour' WHERE id = $1")
                .execute(Tuple.of(jobId)).await().atMost(PATIENCE);
    }
}
