package io.zhiyue.grading.service;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.grading.GradingTestData;
import io.zhiyue.grading.repository.JobRepository;
import io.zhiyue.shared.tenant.TenantHeaders;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

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

    /** Makes the job look stalled for longer than the stall timeout. */
    private void age(UUID jobId) {
        pool.preparedQuery("UPDATE grading_jobs SET updated_at = now() - interval '1 hour' WHERE id = $1")
                .execute(Tuple.of(jobId)).await().atMost(PATIENCE);
    }
}
