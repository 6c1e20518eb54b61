package io.zhiyue.cache.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.zhiyue.cache.layered.CacheStatus;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.GradingProgress;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.publish.StreamPublisher;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The job read model: a JOB_STATE_CHANGED sets the whole job, a GRADING_PROGRESS its counters,
 * only ever towards a newer version; reads come from Redis, else PostgreSQL, and a read that names
 * a version waits briefly for it.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class JobReadModelTest {

    private static final String TENANT = TenantHeaders.DEFAULT_TENANT;

    @Inject
    JobReadModel jobs;

    @Inject
    StreamPublisher publisher;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    MeterRegistry registry;

    @ConfigProperty(name = "zhiyue.jobs.wait")
    Duration wait;

    @Test
    void snapshotsAndCountersOnlyEverMoveAJobForward() {
        UUID job = UUID.randomUUID();
        apply(changed(job, "SPLIT_COMPLETE", "EXECUTING", 3, 0));
        read(job).statusCode(200).body("state", equalTo("EXECUTING")).body("version", equalTo(3))
                .body("graded", equalTo(0)).body("stages.executing.ready", equalTo(true));

        apply(progress(job, "EXECUTING", 40, 5));
        read(job).statusCode(200).body("graded", equalTo(40)).body("percent", equalTo(40)).body("version", equalTo(5))
                // what a progress event does not carry stays as the last snapshot had it
                .body("stages.executing.ready", equalTo(true)).body("examId", equalTo(EXAM.toString()));

        // late and repeated events change nothing
        apply(progress(job, "EXECUTING", 20, 4));
        apply(changed(job, "ANALYZED", "SPLIT_COMPLETE", 2, 0));
        apply(progress(job, "EXECUTING", 40, 5));
        read(job).statusCode(200).body("graded", equalTo(40)).body("state", equalTo("EXECUTING")).body("version", equalTo(5));

        // a snapshot of the same write as a progress already applied is taken whole
        apply(progress(job, "COMPLETED", 100, 9));
        apply(changed(job, "EXECUTING", "COMPLETED", 9, 100));
        read(job).statusCode(200).body("state", equalTo("COMPLETED")).body("stages.completed.ready", equalTo(true))
                .body("version", equalTo(9));
        // and the other way round: the progress of that write changes nothing after its snapshot
        jobs.forgetLocal();
        apply(progress(job, "COMPLETED", 100, 9));
        jobs.forgetLocal();
        read(job).statusCode(200).body("stages.completed.ready", equalTo(true)).body("version", equalTo(9));
    }

    @Test
    void counterNewerThanASnapshotThatArrivesLateKeepTheSnapshotsFields() {
        UUID job = UUID.randomUUID();
        // the first batch's progress overtakes the EXECUTING snapshot
        apply(progress(job, "EXECUTING", 30, 6));
        read(job).statusCode(404);
        apply(changed(job, "SPLIT_COMPLETE", "EXECUTING", 5, 0));
        jobs.forgetLocal();
        read(job).statusCode(200).body("graded", equalTo(30)).body("version", equalTo(6))
                .body("stages.executing.ready", equalTo(true)).body("examId", equalTo(EXAM.toString()));
    }

    @Test
    void jobsChangedWhileRedisWasUnusableAreCopiedToItAgain() {
        UUID job = UUID.randomUUID();
        Instant before = Instant.now();
        apply(changed(job, "SPLIT_COMPLETE", "EXECUTING", 3, 0));
        String key = JobReadModel.key(TENANT, job);
        // as if the write to Redis had been lost in an outage
        redis.key().del(key).await().indefinitely();
        jobs.onStatus(new CacheStatus("test", true, "Redis unusable (test)", before));
        jobs.onStatus(new CacheStatus("test", false, null, Instant.now()));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "3".equals(redis.hash(String.class).hget(key, "v").await().indefinitely()));
    }

    @Test
    void aReadNamingAVersionWaitsBrieflyForItElseAnswers404() {
        UUID job = UUID.randomUUID();
        apply(changed(job, "SPLIT_COMPLETE", "EXECUTING", 3, 0));
        long started = System.nanoTime();
        read(job, 4).statusCode(404).body("detail", containsString("version 4"));
        // it waited for the version before giving up (a lower bound: it cannot be faster)
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(wait);

        // a read that is waiting when the version arrives answers it (the tests wait 3 s: ample)
        CompletableFuture<ValidatableResponse> waiting = CompletableFuture.supplyAsync(() -> read(job, 4));
        apply(progress(job, "EXECUTING", 10, 4));
        waiting.join().statusCode(200).body("graded", equalTo(10)).body("version", equalTo(4));
    }

    @Test
    void aJobOfAnotherTenantOrNeverSeenIs404AndBadParametersAre400() {
        UUID job = UUID.randomUUID();
        apply(changed(job, "SPLIT_COMPLETE", "EXECUTING", 3, 0));
        given().header(TenantHeaders.TENANT, "another-school").when().get("/api/v1/jobs/" + job).then().statusCode(404);
        read(UUID.randomUUID()).statusCode(404).body("code", equalTo("RECORD_NOT_FOUND"));
        for (String bad : new String[] {"0", "-1", "x", "2.5"}) {
            given().queryParam("minVersion", bad).when().get("/api/v1/jobs/" + job).then().statusCode(400)
                    .body("errors[0].field", equalTo("minVersion"));
        }
        given().when().get("/api/v1/jobs/not-a-uuid").then().statusCode(400).body("errors[0].field", equalTo("jobId"));
    }

    @Test
    void aLostRedisCopyIsReadFromPostgresAndRefilled() {
        UUID job = UUID.randomUUID();
        apply(changed(job, "SPLIT_COMPLETE", "EXECUTING", 3, 0));
        String key = JobReadModel.key(TENANT, job);
        redis.key().del(key).await().indefinitely();
        jobs.forgetLocal();

        read(job).statusCode(200).header("X-Cache-Source", "postgres").body("version", equalTo(3));
        assertThat(redis.hash(String.class).hget(key, "v").await().indefinitely()).isEqualTo("3");
        jobs.forgetLocal();
        read(job).statusCode(200).header("X-Cache-Source", "redis");
        read(job).statusCode(200).header("X-Cache-Source", "local");
    }

    @Test
    void repeatedReadsAreServedInProcessButNeverOlderThanTheVersionAskedFor() {
        UUID job = UUID.randomUUID();
        apply(changed(job, "SPLIT_COMPLETE", "EXECUTING", 3, 0));
        double before = readsFrom("local");
        for (int i = 0; i < 5; i++) {
            read(job).statusCode(200).body("version", equalTo(3));
        }
        assertThat(readsFrom("local") - before).isGreaterThanOrEqualTo(5);
        // another instance applied version 4: this one's copy is older, and a read asking for 4 goes past it
        String key = JobReadModel.key(TENANT, job);
        redis.hash(String.class).hset(key, java.util.Map.of("v", "4", "r", "7", "j", "{\"id\":\"" + job + "\",\"version\":4}"))
                .await().indefinitely();
        read(job, 4).statusCode(200).body("version", equalTo(4));
    }

    private double readsFrom(String source) {
        return registry.counter("zhiyue.cache.jobs.reads", "source", source).count();
    }

    @Test
    void eventsOnTheStreamReachTheReadModel() {
        UUID job = UUID.randomUUID();
        publisher.publish(Streams.EVENTS, Envelope.of(EventType.JOB_STATE_CHANGED, TENANT, "t:" + job,
                changed(job, "SPLIT_COMPLETE", "EXECUTING", 3, 0), null)).await().indefinitely();
        publisher.publish(Streams.EVENTS, Envelope.of(EventType.GRADING_PROGRESS, TENANT, "p:" + job,
                progress(job, "EXECUTING", 7, 4), null)).await().indefinitely();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> read(job).statusCode(200).body("graded", equalTo(7)));
    }

    private static final UUID EXAM = UUID.randomUUID();

    private void apply(Object payload) {
        EventType type = payload instanceof JobStateChanged ? EventType.JOB_STATE_CHANGED : EventType.GRADING_PROGRESS;
        jobs.apply(Envelope.of(type, TENANT, "k", payload, null)).await().atMost(Duration.ofSeconds(10));
    }

    /** A JOB_STATE_CHANGED as grading-service publishes it: the job as its API shows it after the write. */
    private static JobStateChanged changed(UUID job, String from, String to, long version, int graded) {
        boolean completed = "COMPLETED".equals(to);
        JsonNode snapshot = JsonCodec.read("""
                {"id":"%s","examId":"%s","state":"%s","total":100,"graded":%d,"failed":0,"cancelled":0,
                 "pendingReview":0,"percent":%d,"stages":{"analyzed":{"ready":true},"split":{"ready":true},
                 "executing":{"ready":%s},"completed":{"ready":%s}},"version":%d}"""
                .formatted(job, EXAM, to, graded, graded, !"SPLIT_COMPLETE".equals(to) && !"ANALYZED".equals(to),
                        completed, version), JsonNode.class);
        return new JobStateChanged(job, EXAM, from, to, 100, graded, 0, Instant.now(), null, version, snapshot);
    }

    private static GradingProgress progress(UUID job, String state, int graded, long version) {
        return new GradingProgress(job, EXAM, state, 100, graded, 0, 0, 0, BigDecimal.valueOf(graded), version);
    }

    private static ValidatableResponse read(UUID job) {
        return given().when().get("/api/v1/jobs/" + job).then();
    }

    private static ValidatableResponse read(UUID job, long minVersion) {
        return given().queryParam("minVersion", minVersion).when().get("/api/v1/jobs/" + job).then();
    }
}
