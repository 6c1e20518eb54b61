package io.zhiyue.cache.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.cache.config.CacheConfig;
import io.zhiyue.cache.jobs.JobReadModel;
import io.zhiyue.cache.layered.CacheSettings;
import io.zhiyue.cache.layered.EntryKey;
import io.zhiyue.cache.layered.LayeredCache;
import io.zhiyue.cache.layered.RedisKeys;
import io.zhiyue.cache.layered.RedisLayer;
import io.zhiyue.cache.repository.CacheEntryRepository;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.shared.event.DataDeletionConfirmed;
import io.zhiyue.shared.event.DataDeletionRequested;
import io.zhiyue.shared.event.DataDeletionRequested.CacheRef;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.event.JobStateChanged;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.lifecycle.DataDeletionParticipant;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

/**
 * A deletion request removes the named result-cache entries from every layer (PostgreSQL, Redis, this and another
 * instance's memory) and the named jobs' read model (row, Redis copy, in-process copy), leaves the rest as it was,
 * confirms through the outbox with the counts, and removes nothing more when it comes again.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class DataDeletionTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    DataDeletionParticipant participant;

    @Inject
    CacheDataDeletion handler;

    @Inject
    JobReadModel jobs;

    @Inject
    LayeredCache cache;

    @Inject
    CacheConfig config;

    @Inject
    CacheEntryRepository repository;

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @ConfigProperty(name = "quarkus.redis.hosts")
    String redisUrl;

    private final String tenant = "school-" + UUID.randomUUID();
    private final String questionVersion = "qv-" + UUID.randomUUID();
    private LayeredCache otherInstance;

    @BeforeEach
    void otherInstance() {
        await().atMost(WAIT).until(cache::localLayerActive);
        CacheSettings settings = CacheSettings.from(config);
        otherInstance = new LayeredCache(vertx, settings, repository, new RedisLayer(vertx, redisUrl, settings),
                new SimpleMeterRegistry(), "test-" + UUID.randomUUID(), status -> {
                });
        otherInstance.start();
        await().atMost(WAIT).until(otherInstance::localLayerActive);
    }

    @AfterEach
    void close() {
        otherInstance.close();
    }

    @Test
    void theNamedEntriesAndJobsLeaveEveryLayerAndTheOthersStay() {
        EntryKey deleted = new EntryKey(ResultCache.REGION, tenant, questionVersion, "answer-of-s1");
        EntryKey kept = new EntryKey(ResultCache.REGION, tenant, questionVersion, "answer-of-s2");
        put(deleted, kept);
        // held in every layer: this instance's memory, the other's, Redis
        lookup(deleted, kept).header("X-Cache-Source", "local");
        otherInstance.getAll(List.of(deleted, kept)).await().atMost(WAIT);
        assertThat(otherInstance.peekLocal(deleted)).isNotNull();
        assertThat(otherInstance.peekLocal(kept)).isNotNull();

        UUID deletedJob = UUID.randomUUID();
        UUID keptJob = UUID.randomUUID();
        for (UUID job : List.of(deletedJob, keptJob)) {
            jobs.apply(Envelope.of(EventType.JOB_STATE_CHANGED, tenant, "t:" + job, changed(job), null))
                    .await().atMost(WAIT);
            readJob(job).statusCode(200).header("X-Cache-Source", "local");
        }

        DataDeletionRequested request = new DataDeletionRequested(UUID.randomUUID(),
                DataDeletionRequested.Kind.SUBMISSION, List.of(UUID.randomUUID()), List.of(deletedJob),
                List.of(UUID.randomUUID()), List.of(new CacheRef(questionVersion, deleted.key())), null, null,
                Instant.now());
        participant.handle(handler, request.envelope(tenant)).await().atMost(WAIT);

        // the entry misses in every layer: PostgreSQL had to be asked, and had nothing
        lookup(deleted).header("X-Cache-Source", "postgres").body("hits", empty());
        assertThat(count("SELECT count(*) FROM entries WHERE tenant_id = $1 AND key = $2", deleted.key())).isZero();
        assertThat(redis.value(String.class).get(RedisKeys.entry(deleted))).as("a tombstone").endsWith(":");
        await().atMost(WAIT).until(() -> otherInstance.peekLocal(deleted) == null);
        assertThat(otherInstance.getAll(List.of(deleted)).await().atMost(WAIT).hits()).isEmpty();
        // the other answer's entry still hits, in memory
        lookup(kept).header("X-Cache-Source", "local").body("hits.key", contains(kept.key()));
        assertThat(otherInstance.peekLocal(kept)).isNotNull();

        // the job's read model is gone (row, Redis copy, memory): the gateway asks grading-service
        readJob(deletedJob).statusCode(404);
        assertThat(count("SELECT count(*) FROM job_states WHERE tenant_id = $1 AND job_id = $2", deletedJob)).isZero();
        assertThat(redis.hash(String.class).hget(jobKey(deletedJob), "j")).isNull();
        readJob(keptJob).statusCode(200).header("X-Cache-Source", "local").body("id", equalTo(keptJob.toString()));

        // a redelivery confirms again and removes nothing more
        participant.handle(handler, request.envelope(tenant)).await().atMost(WAIT);
        lookup(kept).body("hits.key", contains(kept.key()));
        readJob(keptJob).statusCode(200);
        assertThat(confirmations(request.requestId())).extracting(DataDeletionConfirmed::removed).containsExactly(
                Map.of("results", 1L, "jobStates", 1L), Map.of("results", 0L, "jobStates", 0L));
    }

    private void put(EntryKey... keys) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (EntryKey key : keys) {
            entries.add(Map.of("questionVersion", key.scope(), "key", key.key(),
                    "value", Map.of("score", 2, "confidence", 0.95)));
        }
        given().header(TenantHeaders.TENANT, tenant).contentType(ContentType.JSON).body(Map.of("entries", entries))
                .when().put("/api/v1/cache/results").then().statusCode(200);
    }

    private ValidatableResponse lookup(EntryKey... keys) {
        List<Map<String, String>> refs = new ArrayList<>();
        for (EntryKey key : keys) {
            refs.add(Map.of("questionVersion", key.scope(), "key", key.key()));
        }
        return given().header(TenantHeaders.TENANT, tenant).contentType(ContentType.JSON)
                .body(Map.of("entries", refs)).when().post("/api/v1/cache/results/lookup").then().statusCode(200);
    }

    private ValidatableResponse readJob(UUID job) {
        return given().header(TenantHeaders.TENANT, tenant).when().get("/api/v1/jobs/" + job).then();
    }

    /** The Redis copy's key, as {@link JobReadModel} names it. */
    private String jobKey(UUID job) {
        return "zhiyue:cache:job:" + tenant + ":" + job;
    }

    private static JobStateChanged changed(UUID job) {
        UUID exam = UUID.randomUUID();
        JsonNode snapshot = JsonCodec.read("""
                {"id":"%s","examId":"%s","state":"COMPLETED","total":2,"graded":2,"failed":0,"cancelled":0,
                 "pendingReview":0,"percent":100,"version":7}""".formatted(job, exam), JsonNode.class);
        return new JobStateChanged(job, exam, "EXECUTING", "COMPLETED", 2, 2, 0, Instant.now(), null, 7L, snapshot);
    }

    /** The confirmations written to the outbox for the request, oldest first. */
    private List<DataDeletionConfirmed> confirmations(UUID requestId) {
        List<DataDeletionConfirmed> found = new ArrayList<>();
        pool.preparedQuery("""
                SELECT payload FROM outbox WHERE stream = 'zhiyue:lifecycle' AND type = 'DATA_DELETION_CONFIRMED'
                  AND key = $1 AND tenant_id = $2 ORDER BY id""")
                .execute(Tuple.of("deletion:" + requestId + ":cache-service", tenant)).await().indefinitely()
                .forEach(row -> found.add(JsonCodec.read(row.getString("payload"), DataDeletionConfirmed.class)));
        return found;
    }

    private long count(String sql, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = tenant;
        System.arraycopy(args, 0, all, 1, args.length);
        return pool.preparedQuery(sql).execute(Tuple.from(all)).await().indefinitely().iterator().next().getLong(0);
    }
}
