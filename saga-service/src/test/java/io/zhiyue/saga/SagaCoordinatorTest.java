package io.zhiyue.saga;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.devstack.DevstackTestResource;
import io.zhiyue.saga.service.ParkedSagas;
import io.zhiyue.saga.service.SagaCoordinator;
import io.zhiyue.shared.event.Envelope;
import io.zhiyue.shared.event.EventType;
import io.zhiyue.shared.json.JsonCodec;
import io.zhiyue.shared.saga.SagaApplied;
import io.zhiyue.shared.stream.Streams;
import io.zhiyue.shared.tenant.TenantHeaders;
import io.zhiyue.streams.outbox.Outbox;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * The coordinator against real PostgreSQL and Redis streams, with three test participants ({@link TestParticipants})
 * served through shared-streams' participant piece: success; a failure at each step compensates what completed, in
 * reverse order, exactly once each; a retriable step is tried again; a step that answers too late is cleaned up
 * (its late write undone, its late reply logged and ignored) before the saga compensates; a compensation that keeps
 * failing parks the saga for an operator, whose retry or skip is recorded with who and why; a cancelled saga
 * compensates; a command queued behind a participant that is busy but alive waits for it instead of timing out;
 * two coordinators ticking at once move each saga once; a saga whose first step its initiator applied
 * runs on from the second, once however often it arrives; the operator API refuses bad requests.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, restrictToAnnotatedClass = false)
class SagaCoordinatorTest {

    @Inject
    Pool pool;
    @Inject
    SagaCoordinator coordinator;
    @Inject
    Outbox outbox;
    @Inject
    ParkedSagas parkedSagas;
    @Inject
    MeterRegistry registry;
    @ConfigProperty(name = "zhiyue.saga.participant-workers", defaultValue = "4")
    int participantWorkers;

    @Test
    void aSagaWhoseStepsAllSucceedCompletesWithTheirResults() {
        String id = start(Map.of());
        ended(id, "COMPLETED").body("results.alpha.by", equalTo("alpha")).body("results.gamma.by", equalTo("gamma"))
                .body("completed", equalTo(3)).body("steps.size()", equalTo(3));
        assertThat(writes(id)).containsExactly("alpha forward", "beta forward", "gamma forward");
    }

    @Test
    void aFailedStepCompensatesWhatCompletedInReverseOrderExactlyOnce() {
        String atAlpha = start(Map.of("fail", "alpha"));
        String atBeta = start(Map.of("fail", "beta"));
        ended(atAlpha, "COMPENSATED").body("error", equalTo("step alpha failed: alpha refuses"));
        ended(atBeta, "COMPENSATED");
        assertThat(writes(atAlpha)).isEmpty();
        assertThat(writes(atBeta)).containsExactly("alpha forward", "alpha compensate");
    }

    @Test
    void aFailingRetriableStepIsTriedAgainAndNeverCompensated() {
        String id = start(Map.of("gammaFailures", 2));
        ended(id, "COMPLETED").body("attempt", equalTo(3));
        assertThat(writes(id)).containsExactly("alpha forward", "beta forward", "gamma forward");

        String parked = start(Map.of("gammaFailures", 5));
        ended(parked, "PARKED").body("kind", equalTo("FORWARD")).body("step", equalTo(2));
        assertThat(writes(parked)).containsExactly("alpha forward", "beta forward");
    }

    @Test
    void aStepThatAnswersTooLateIsCleanedUpThenTheSagaCompensates() {
        // beta writes, then holds its transaction 1.2 s: past its 500 ms timeout
        String id = start(Map.of("slow", Map.of("beta", 1200)));
        ValidatableResponse saga = ended(id, "COMPENSATED");
        saga.body("steps.find { it.kind == 'FORWARD' && it.name == 'beta' }.outcome", equalTo("DONE"))
                .body("steps.find { it.kind == 'FORWARD' && it.name == 'beta' }.late", equalTo(true))
                .body("steps.find { it.kind == 'CLEANUP' }.result.undone", equalTo(true))
                .body("error", equalTo("step beta did not answer in 500 ms"));
        // the late write landed before the cleanup took the fence, so the cleanup undid it; then alpha was undone
        assertThat(writes(id)).containsExactly("alpha forward", "beta forward", "beta compensate", "alpha compensate");
    }

    @Test
    void aCompensationThatKeepsFailingParksTheSagaForAnOperator() {
        String id = start(Map.of("fail", "beta", "brokenCompensations", true));
        ended(id, "PARKED").body("kind", equalTo("COMPENSATE")).body("step", equalTo(0));
        // the parked-saga alert's gauge counts it while it waits
        long parkedWhileWaiting = parkedSagas.count().await().atMost(Duration.ofSeconds(5));
        assertThat(parkedWhileWaiting).isPositive();
        assertThat(registry.get("zhiyue.sagas.parked").gauge().value()).isEqualTo(parkedWhileWaiting);
        TestParticipants.MENDED.add(UUID.fromString(id));
        // refused: not at that step, an unknown action, no reason
        action(id, Map.of("action", "retry", "step", 1, "reason", "x")).statusCode(409);
        action(id, Map.of("action", "undo", "step", 0, "reason", "x")).statusCode(400);
        action(id, Map.of("action", "retry", "step", 0)).statusCode(400);

        given().header("X-ZhiYue-Subject", "ops-li").contentType(ContentType.JSON)
                .body(Map.of("action", "retry", "step", 0, "reason", "alpha's store is back"))
                .when().post("/api/v1/sagas/" + id + "/actions").then().statusCode(200);
        ended(id, "COMPENSATED").body("actions[0].actor", equalTo("ops-li"))
                .body("actions[0].reason", equalTo("alpha's store is back")).body("actions[0].action", equalTo("retry"));
        // and the audit log gets it: through saga-service's outbox, in the action's own transaction
        List<String> audited = pool.preparedQuery("SELECT payload FROM outbox WHERE stream = 'zhiyue:audit' "
                        + "AND key = $1").execute(Tuple.of("audit:saga:" + id))
                .await().atMost(Duration.ofSeconds(5)).stream().map(row -> row.getString(0)).toList();
        assertThat(audited).singleElement().asString().contains("\"action\":\"saga.retry\"")
                .contains("\"actor\":\"ops-li\"").contains("\"service\":\"saga-service\"");
        assertThat(writes(id)).containsExactly("alpha forward", "alpha compensate");
        assertThat(parkedSagas.count().await().atMost(Duration.ofSeconds(5))).isEqualTo(parkedWhileWaiting - 1);

        // a skipped compensation never ran: the saga ends RESOLVED, not COMPENSATED
        String skipped = start(Map.of("fail", "beta", "brokenCompensations", true));
        ended(skipped, "PARKED");
        action(skipped, Map.of("action", "skip", "step", 0, "reason", "fixed by hand")).statusCode(200);
        ended(skipped, "RESOLVED");
        assertThat(writes(skipped)).containsExactly("alpha forward");
    }

    @Test
    void aCommandQueuedBehindABusyParticipantThatIsAliveWaitsForItInsteadOfTimingOut() {
        // every beta worker in a 4 s transaction (the patient definition gives beta 10 s) ...
        List<String> busy = new ArrayList<>();
        for (int i = 0; i < participantWorkers; i++) {
            busy.add(start(TestParticipants.PATIENT, Map.of("slow", Map.of("beta", 4000))));
        }
        for (String id : busy) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> given()
                    .when().get("/api/v1/sagas/" + id).then().statusCode(200).extract().jsonPath()
                    .getList("steps.findAll { it.name == 'beta' && it.kind == 'FORWARD' }").size() == 1);
        }
        double postponedBefore = registry.get("zhiyue.saga.timeouts.postponed").counter().count();
        // ... so this saga's beta command (500 ms to answer) waits in beta's stream for well over 500 ms, unseen
        String queued = start(Map.of());
        ended(queued, "COMPLETED").body("steps.findAll { it.outcome == 'TIMED_OUT' }.size()", equalTo(0));
        assertThat(writes(queued)).containsExactly("alpha forward", "beta forward", "gamma forward");
        assertThat(registry.get("zhiyue.saga.timeouts.postponed").counter().count()).isGreaterThan(postponedBefore);
        for (String id : busy) {
            ended(id, "COMPLETED");
        }
    }

    @Test
    void aCancelledSagaCompensatesOnceTheStepInFlightAnswers() {
        String id = start(TestParticipants.PATIENT, Map.of("slow", Map.of("alpha", 1500)));
        given().when().post("/api/v1/sagas/" + id + "/cancel").then().statusCode(200)
                .body("cancelRequested", equalTo(true)).body("state", equalTo("RUNNING"));
        ended(id, "COMPENSATED").body("error", equalTo("cancelled"));
        assertThat(writes(id)).containsExactly("alpha forward", "alpha compensate");
        given().when().post("/api/v1/sagas/" + id + "/cancel").then().statusCode(409);
    }

    @Test
    void twoCoordinatorsTickingAtOnceMoveEachSagaOnce() throws Exception {
        // every saga's gamma is refused twice: its retries are due sagas that any coordinator may claim
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add(start(Map.of("gammaFailures", 2)));
        }
        try (ExecutorService racers = Executors.newFixedThreadPool(4)) {
            List<Future<?>> running = new ArrayList<>();
            long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            for (int i = 0; i < 4; i++) {
                running.add(racers.submit(() -> {
                    while (System.nanoTime() < until) {
                        coordinator.tick().await().atMost(Duration.ofSeconds(5));
                    }
                    return null;
                }));
            }
            for (Future<?> racer : running) {
                racer.get();
            }
        }
        for (String id : ids) {
            ended(id, "COMPLETED").body("steps.findAll { it.name == 'gamma' }.size()", equalTo(3))
                    .body("steps.findAll { it.name == 'gamma' }.attempt", org.hamcrest.Matchers.contains(1, 2, 3));
            assertThat(writes(id)).containsExactly("alpha forward", "beta forward", "gamma forward");
        }
    }

    @Test
    void aSagaWhoseFirstStepItsInitiatorAppliedRunsOnFromTheSecondOnceAndCompensatesIt() {
        UUID done = UUID.randomUUID();
        UUID failing = UUID.randomUUID();
        // through the stream as an initiator's outbox sends them, each twice (delivered at least once)
        for (int i = 0; i < 2; i++) {
            applied(done, Map.of());
            applied(failing, Map.of("fail", "beta"));
        }
        ended(done.toString(), "COMPLETED").body("startedBy", equalTo("initiator"))
                .body("results.alpha.by", equalTo("the initiator"))
                .body("steps.find { it.name == 'alpha' }.outcome", equalTo("DONE"))
                .body("steps.size()", equalTo(3));
        assertThat(writes(done.toString())).containsExactly("beta forward", "gamma forward");
        // alpha's compensation runs at its participant although its forward ran at the initiator
        ended(failing.toString(), "COMPENSATED");
        assertThat(writes(failing.toString())).containsExactly("alpha compensate");
    }

    @Test
    void theSameRequestKeyStartsTheSagaOnceAndTheApiRefusesBadRequests() {
        String key = UUID.randomUUID().toString();
        String id = given().contentType(ContentType.JSON).body(Map.of("definition", TestParticipants.DEFINITION,
                        "requestKey", key, "data", Map.of())).when().post("/api/v1/sagas").then().statusCode(202)
                .extract().path("id");
        given().contentType(ContentType.JSON).body(Map.of("definition", TestParticipants.DEFINITION,
                        "requestKey", key, "data", Map.of())).when().post("/api/v1/sagas").then().statusCode(200)
                .body("id", equalTo(id));
        ended(id, "COMPLETED");

        given().contentType(ContentType.JSON).body(Map.of("definition", "nope", "requestKey", "k"))
                .when().post("/api/v1/sagas").then().statusCode(400).body("code", equalTo("VALIDATION_ERROR"));
        given().contentType(ContentType.JSON).body(Map.of("definition", TestParticipants.DEFINITION))
                .when().post("/api/v1/sagas").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{not json").when().post("/api/v1/sagas").then().statusCode(400);
        given().when().get("/api/v1/sagas/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().when().get("/api/v1/sagas/not-a-uuid").then().statusCode(404);
        given().queryParam("filter[state]", "HAPPY").when().get("/api/v1/sagas").then().statusCode(400);
        given().queryParam("sort_by", "state").when().get("/api/v1/sagas").then().statusCode(400);
        given().queryParam("page_size", 500).when().get("/api/v1/sagas").then().statusCode(400);
        given().queryParam("filter[state]", "COMPLETED").queryParam("filter[definition]", TestParticipants.DEFINITION)
                .queryParam("page_size", 200).when().get("/api/v1/sagas").then().statusCode(200)
                .body("items.id", hasItem(id)).body("pageSize", equalTo(200));
        // another tenant does not see it
        given().header("X-ZhiYue-Tenant", "other-school").when().get("/api/v1/sagas/" + id).then().statusCode(404);
    }

    private void applied(UUID id, Map<String, Object> data) {
        SagaApplied applied = new SagaApplied(id, TestParticipants.DEFINITION, "applied:" + id, "initiator",
                JsonCodec.mapper().valueToTree(data), JsonCodec.mapper().createObjectNode().put("by", "the initiator"));
        outbox.publish(Streams.SAGA_STARTS, Envelope.of(EventType.SAGA_START, TenantHeaders.DEFAULT_TENANT,
                applied.requestKey(), applied, null)).await().atMost(Duration.ofSeconds(5));
    }

    private static String start(Map<String, Object> data) {
        return start(TestParticipants.DEFINITION, data);
    }

    private static String start(String definition, Map<String, Object> data) {
        return given().contentType(ContentType.JSON).body(Map.of("definition", definition,
                        "requestKey", UUID.randomUUID().toString(), "data", new HashMap<>(data)))
                .when().post("/api/v1/sagas").then().statusCode(202).extract().path("id");
    }

    private static ValidatableResponse ended(String id, String state) {
        try {
            // a saga started through zhiyue:saga:starts answers 404 until the coordinator has consumed its start
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> state.equals(
                    given().when().get("/api/v1/sagas/" + id).then().statusCode(200).extract().path("state")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("saga " + id + " did not reach " + state + ": "
                    + given().when().get("/api/v1/sagas/" + id).then().extract().asString(), e);
        }
        return given().when().get("/api/v1/sagas/" + id).then().statusCode(200).body("state", equalTo(state));
    }

    private static ValidatableResponse action(String id, Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/sagas/" + id + "/actions").then();
    }

    /** What the participants did for the saga, in order: "step action". */
    private List<String> writes(String id) {
        List<String> writes = new ArrayList<>();
        for (Row row : pool.preparedQuery("SELECT step, action FROM test_writes WHERE saga_id = $1 ORDER BY id")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(Duration.ofSeconds(5))) {
            writes.add(row.getString("step") + " " + row.getString("action"));
        }
        return writes;
    }
}
