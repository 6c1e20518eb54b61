package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.GatewayException;
import io.zhiyue.e2e.driver.LiveChannelClient;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The randomised fault run of the score-override saga: {@value #DEFAULT_SAGAS} overrides (one per answer of a
 * completed job, {@code -Dzhiyue.saga.faults.sagas} to change) through the gateway while grading-service and
 * cache-service refuse a random {@value #FAILURE_RATE} of their forward steps after doing them (what the step
 * wrote in its transaction rolls back; {@code ZHIYUE_SAGA_CHAOS_FAILURE_RATE}) and saga-service is SIGKILLed and started again {@value #KILLS} times. Every
 * saga ends; every answer's score is what its saga's end says (the new one when COMPLETED, the old one when
 * COMPENSATED), and exactly the completed ones told the student. Prints the counts.
 */
class SagaFaultRunIT {

    private static final int DEFAULT_SAGAS = 500;
    private static final double FAILURE_RATE = 0.1;
    /** Coordinator SIGKILLs: four while overrides arrive, one after the last. */
    private static final int KILLS = 5;
    private static final BigDecimal ORIGINAL = new BigDecimal("2");
    private static final List<BigDecimal> SCORES = List.of("0", "0.5", "1", "1.5", "2.5", "3", "3.5", "4").stream()
            .map(BigDecimal::new).toList();

    @Test
    void overridesUnderRandomStepFailuresAndCoordinatorKillsEndConsistent() throws Exception {
        int sagas = Integer.getInteger("zhiyue.saga.faults.sagas", DEFAULT_SAGAS);
        try (SuiteProcesses suite = SuiteProcesses.start("e2e-saga-faults", Devstack.shared(), 1,
                Map.of("ZHIYUE_SAGA_CHAOS_FAILURE_RATE", Double.toString(FAILURE_RATE)))) {
            GatewayClient gateway = suite.gateway();
            String tag = UUID.randomUUID().toString().substring(0, 8);
            String examId = SagaEndToEndIT.keywordExam(gateway, "fault run " + tag);
            StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
            for (int i = 0; i < sagas; i++) {
                csv.append("f").append(i).append('-').append(tag).append(",1,植物通过光合作用获得能量 第").append(i)
                        .append("种说法\n");
            }
            gateway.uploadCsv(examId, csv.toString());
            String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
            await().atMost(Duration.ofMinutes(3)).until(() -> gateway.job(jobId).isFinal());
            Map<String, String> students = results(gateway, jobId);
            assertThat(students).hasSize(sagas);

            Random random = new Random(42);
            Map<String, BigDecimal> wanted = new LinkedHashMap<>();
            students.keySet().forEach(submission -> wanted.put(submission, SCORES.get(random.nextInt(SCORES.size()))));
            Map<String, String> sagaOf = new ConcurrentHashMap<>();
            AtomicInteger refusedPosts = new AtomicInteger();
            AtomicInteger kills = new AtomicInteger();
            try (LiveChannelClient live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10));
                    ExecutorService clients = Executors.newFixedThreadPool(8);
                    ExecutorService killer = Executors.newSingleThreadExecutor()) {
                live.subscribe("exam:" + examId);
                // the coordinator dies each time another fifth of the overrides was accepted, and once more after
                // the last while their sagas run
                AtomicInteger accepted = new AtomicInteger();
                java.util.concurrent.Semaphore due = new java.util.concurrent.Semaphore(0);
                Future<?> killing = killer.submit(() -> {
                    for (int kill = 1; kill <= KILLS; kill++) {
                        due.acquire();
                        suite.restartSaga("k" + kill);
                        kills.incrementAndGet();
                    }
                    return null;
                });
                List<Future<?>> posts = new ArrayList<>();
                for (Map.Entry<String, BigDecimal> override : wanted.entrySet()) {
                    posts.add(clients.submit(() -> {
                        sagaOf.put(override.getKey(), post(gateway, jobId, override.getKey(), override.getValue(),
                                refusedPosts));
                        if (accepted.incrementAndGet() % Math.max(1, sagas / KILLS) == 0 && accepted.get() < sagas) {
                            due.release();
                        }
                        return null;
                    }));
                }
                for (Future<?> post : posts) {
                    post.get(10, TimeUnit.MINUTES);
                }
                due.release(KILLS);
                killing.get(5, TimeUnit.MINUTES);

                // every saga ends
                Map<String, JsonNode> ended = new HashMap<>();
                await("every saga ended").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> {
                            for (Map.Entry<String, String> saga : sagaOf.entrySet()) {
                                if (!ended.containsKey(saga.getKey())) {
                                    JsonNode now = gateway.getJson("sagas/" + saga.getValue());
                                    if (Set.of("COMPLETED", "COMPENSATED", "PARKED", "RESOLVED")
                                            .contains(now.path("state").asText())) {
                                        ended.put(saga.getKey(), now);
                                    }
                                }
                            }
                            return ended.size() == sagaOf.size();
                        });

                // each answer's score is what its saga's end says
                Map<String, String> scores = results(gateway, jobId);
                Map<String, Integer> states = new java.util.TreeMap<>();
                Map<String, Integer> reasons = new java.util.TreeMap<>();
                int injected = 0;
                int late = 0;
                List<String> inconsistent = new ArrayList<>();
                Set<String> completed = new HashSet<>();
                for (Map.Entry<String, JsonNode> end : ended.entrySet()) {
                    JsonNode saga = end.getValue();
                    String state = saga.path("state").asText();
                    states.merge(state, 1, Integer::sum);
                    if (!saga.path("error").isNull() && !saga.path("error").isMissingNode()) {
                        // why it did not complete, its ids left out
                        reasons.merge(saga.path("error").asText().replaceAll("[0-9a-f-]{36}", "…"), 1, Integer::sum);
                    }
                    for (JsonNode step : saga.path("steps")) {
                        injected += step.path("error").asText().contains("fault run") ? 1 : 0;
                        late += step.path("late").asBoolean() ? 1 : 0;
                    }
                    BigDecimal expected = expected(saga, wanted.get(end.getKey()));
                    if (state.equals("COMPLETED")) {
                        completed.add(end.getKey());
                    }
                    if (expected == null || new BigDecimal(scores.get(end.getKey())).compareTo(expected) != 0) {
                        inconsistent.add(end.getKey() + " " + state + " score " + scores.get(end.getKey())
                                + " expected " + expected);
                    }
                }
                // the students of exactly the completed overrides were told
                await("the completed overrides' notifications").atMost(Duration.ofSeconds(60)).until(() ->
                        notified(live).containsAll(completed));
                Set<String> notified = notified(live);
                Set<String> toldWrongly = new HashSet<>(notified);
                toldWrongly.removeAll(completed);

                System.out.printf("""
                        saga fault run: %d sagas, step failure rate %.0f%%, coordinator SIGKILLs %d
                          ended: %s
                          steps refused at random: %d, late replies (logged, not acted on): %d, overrides refused \
                        while saga-service was down (retried): %d
                          notifications: %d of %d completed, %d for sagas that did not complete
                          why not completed: %s
                          inconsistent submissions: %d%n""", sagas, FAILURE_RATE * 100, kills.get(), states, injected,
                        late, refusedPosts.get(), completed.size(), states.getOrDefault("COMPLETED", 0),
                        toldWrongly.size(), reasons, inconsistent.size());
                assertThat(inconsistent).as("inconsistent submissions").isEmpty();
                assertThat(toldWrongly).as("students told of an override that did not complete").isEmpty();
                assertThat(kills.get()).isEqualTo(KILLS);
                assertThat(injected).isPositive();
                assertThat(states.getOrDefault("COMPENSATED", 0)).isPositive();
                assertThat(states.getOrDefault("COMPLETED", 0)).isPositive();
            }
        }
    }

    /** POST the override until it is accepted (saga-service may be down, or its breaker open): its saga id. */
    private static String post(GatewayClient gateway, String jobId, String submission, BigDecimal score,
            AtomicInteger refused) {
        Map<String, Object> body = Map.of("jobId", jobId, "score", score, "reason", "fault run",
                "requestKey", "fault-run:" + submission);
        AtomicReference<String> sagaId = new AtomicReference<>();
        await("override of " + submission + " accepted").atMost(Duration.ofMinutes(3))
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                    try {
                        sagaId.set(gateway.postJson("submissions/" + submission + "/override", body, 202)
                                .path("sagaId").asText());
                        return true;
                    } catch (GatewayException e) {
                        if (e.status() < 500) {
                            throw e;
                        }
                        refused.incrementAndGet();
                        return false;
                    }
                });
        return sagaId.get();
    }

    /**
     * The score the saga's end says the answer has: the override's once its first step is done and not undone
     * (COMPLETED, or PARKED past it), the original one otherwise; null when the log cannot say (PARKED while
     * undoing it).
     */
    private static BigDecimal expected(JsonNode saga, BigDecimal override) {
        String state = saga.path("state").asText();
        boolean written = false;
        boolean undone = false;
        for (JsonNode step : saga.path("steps")) {
            if ("override-score".equals(step.path("name").asText()) && "DONE".equals(step.path("outcome").asText())) {
                String kind = step.path("kind").asText();
                written |= "FORWARD".equals(kind);
                undone |= !"FORWARD".equals(kind) && step.path("result").path("undone").asBoolean();
            }
        }
        return switch (state) {
            case "COMPLETED" -> override;
            case "COMPENSATED" -> ORIGINAL;
            default -> "COMPENSATE".equals(saga.path("kind").asText()) ? null
                    : written && !undone ? override : ORIGINAL;
        };
    }

    /** submissionId → score, every result of the job (keyset pages). */
    private static Map<String, String> results(GatewayClient gateway, String jobId) {
        Map<String, String> scores = new HashMap<>();
        String cursor = null;
        do {
            JsonNode page = gateway.getJson("grading-jobs/" + jobId + "/results?page_size=200"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.path("items").forEach(item -> scores.put(item.path("submissionId").asText(),
                    item.path("score").asText()));
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return scores;
    }

    private static Set<String> notified(LiveChannelClient live) {
        Set<String> submissions = new HashSet<>();
        live.messages("USER_NOTIFICATION").forEach(message ->
                submissions.add(message.data().path("submissionId").asText()));
        return submissions;
    }
}
