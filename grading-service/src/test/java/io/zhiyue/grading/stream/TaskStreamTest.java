package io.zhiyue.grading.stream;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.devstack.RespClient;
import io.zhiyue.grading.GradingTestData;
import io.zhiyue.grading.TaskRows;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingTaskBatch;
import io.zhiyue.shared.stream.Streams;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The task stream under failure: a consumer that dies with an entry in hand, an entry that
 * keeps failing, a malformed entry and a duplicate delivery. The test profile declares a consumer
 * dead after 1 s without a heartbeat.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class TaskStreamTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Test
    void entryHeldByADeadConsumerIsReclaimedAndGradedOnce() {
        Job job = completedJob(250);
        TaskRows.reopenBatch(pool, job.id(), 0);
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            // publish and hand the entry to a consumer that never acknowledges, in one step, so no
            // live worker can take it first
            redis.call("MULTI");
            redis.call(xadd(job, 0));
            redis.call("XREADGROUP", "GROUP", Streams.GRADERS_GROUP, "ghost", "COUNT", "1", "STREAMS",
                    Streams.GRADING_TASKS, ">");
            redis.call("EXEC");
        }
        awaitJob(job.id(), "COMPLETED", 250, 0);
        assertThat(TaskRows.resultCount(pool, job.id())).isEqualTo(250);
        assertThat(pendingFor("ghost")).isZero();
    }

    @Test
    void entryDeliveredTooOftenIsDeadLetteredAndItsTasksFail() {
        Job job = completedJob(120);
        int reopened = TaskRows.reopenBatch(pool, job.id(), 1);
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            redis.call("MULTI");
            redis.call(xadd(job, 1));
            redis.call("XREADGROUP", "GROUP", Streams.GRADERS_GROUP, "ghost", "COUNT", "1", "STREAMS",
                    Streams.GRADING_TASKS, ">");
            List<?> reply = (List<?>) redis.call("EXEC");
            String id = entryId(reply.get(1));
            // as if it had already been delivered five times and failed each time
            redis.call("XCLAIM", Streams.GRADING_TASKS, Streams.GRADERS_GROUP, "ghost", "0", id,
                    "RETRYCOUNT", Integer.toString(Streams.MAX_DELIVERIES));
        }
        awaitJob(job.id(), "COMPLETED", 120 - reopened, reopened);
        assertThat(TaskRows.resultCount(pool, job.id())).isEqualTo(120 - reopened);
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            List<?> dlq = (List<?>) redis.call("XRANGE", Streams.deadLetter(Streams.GRADING_TASKS), "-", "+");
            assertThat(dlq.toString()).contains(job.id().toString()).contains("times without success");
        }
    }

    @Test
    void malformedEntryGoesToTheDeadLetterStream() {
        String marker = "garbage-" + UUID.randomUUID();
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            redis.call("XADD", Streams.GRADING_TASKS, "*", "nonsense", marker);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                    redis.call("XRANGE", Streams.deadLetter(Streams.GRADING_TASKS), "-", "+").toString())
                    .contains(marker).contains("malformed entry"));
        }
    }

    @Test
    void duplicateDeliveryChangesNothing() {
        Job job = completedJob(150);
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            redis.call(xadd(job, 0));
            redis.call(xadd(job, 1));
            await().atMost(PATIENCE).until(() -> ((Long) ((List<?>) redis.call("XPENDING", Streams.GRADING_TASKS,
                    Streams.GRADERS_GROUP)).get(0)) == 0L);
        }
        awaitJob(job.id(), "COMPLETED", 150, 0);
        assertThat(TaskRows.resultCount(pool, job.id())).isEqualTo(150);
    }

    private record Job(UUID id, String tenant) {
    }

    private Job completedJob(int submissions) {
        String examId = GradingTestData.createExam("stream-" + UUID.randomUUID());
        GradingTestData.addKeywordNumericQuestion(examId, 1);
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < submissions; i++) {
            csv.append("s").append(i).append(",1,photosynthesis ").append(i % 7 == 0 ? "3.14" : "2").append('\n');
        }
        given().contentType("text/csv; charset=UTF-8").body(csv.toString())
                .when().post("/api/v1/exams/" + examId + "/submissions").then().statusCode(200)
                .body("accepted", equalTo(submissions));
        String jobId = given().when().post("/api/v1/exams/" + examId + "/grading-jobs").then().statusCode(201)
                .extract().path("id");
        given().when().post("/api/v1/grading-jobs/" + jobId + "/start").then().statusCode(200);
        awaitJob(UUID.fromString(jobId), "COMPLETED", submissions, 0);
        return new Job(UUID.fromString(jobId), "demo-school");
    }

    /** The XADD command a real split would send for this batch. */
    private static String[] xadd(Job job, int batchNo) {
        GradingTaskBatch batch = new GradingTaskBatch(job.id(), batchNo, 100);
        Envelope envelope = Envelope.of(EventType.GRADING_TASK, job.tenant(), batch.idempotencyKey(), batch, null);
        List<String> command = new ArrayList<>(List.of("XADD", Streams.GRADING_TASKS, "*"));
        for (Map.Entry<String, String> field : envelope.toFields().entrySet()) {
            command.add(field.getKey());
            command.add(field.getValue());
        }
        return command.toArray(new String[0]);
    }

    private static String entryId(Object xreadgroupReply) {
        // [[stream, [[id, [fields…]]]]]
        List<?> streams = (List<?>) xreadgroupReply;
        List<?> entries = (List<?>) ((List<?>) streams.get(0)).get(1);
        return (String) ((List<?>) entries.get(0)).get(0);
    }

    private long pendingFor(String consumer) {
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            List<?> consumers = (List<?>) redis.call("XINFO", "CONSUMERS", Streams.GRADING_TASKS, Streams.GRADERS_GROUP);
            for (Object entry : consumers) {
                List<?> fields = (List<?>) entry;
                if (consumer.equals(fields.get(1))) {
                    return (Long) fields.get(3);
                }
            }
            return 0;
        }
    }

    private static void awaitJob(UUID jobId, String state, int graded, int failed) {
        await().atMost(PATIENCE).untilAsserted(() -> given().when().get("/api/v1/grading-jobs/" + jobId)
                .then().statusCode(200).body("state", equalTo(state)).body("graded", equalTo(graded))
                .body("failed", equalTo(failed)));
    }
}
