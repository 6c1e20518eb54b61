package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer;
import io.zhiyue.devstack.llm.ScriptedOpenAiServer.Content;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.GatewayException;
import io.zhiyue.e2e.driver.Job;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * AI marking that resumes instead of paying twice: an ai-mode job of 2,000 answers graded through
 * the scripted OpenAI-compatible server (a test double, 200 ms a call) by four grading-service
 * processes, three of them SIGKILLed at random moments. The job completes with one result per
 * answer, and the double's call log shows no answer asked about again once a reply for it was in
 * a checkpoint: each reply carries the number of its call, so the checkpoints' history says which
 * calls were kept.
 */
class LlmCrashResumeIT {

    private static final int ANSWERS = 2_000;
    private static final ScriptedOpenAiServer LLM = ScriptedOpenAiServer.start(0);
    private static final AtomicInteger CALLS = new AtomicInteger();
    /** Each request the double answered, with the number its reply carries. */
    private static final Map<ScriptedOpenAiServer.Request, String> CALL_IDS = new ConcurrentHashMap<>();
    private static SuiteProcesses suite;
    private static GatewayClient gateway;

    @BeforeAll
    static void startSystem() {
        // four grading-service processes and the rest of the suite share two cores here: a live consumer's
        // heartbeat can miss the default 3 s, and a batch taken from a live owner is asked about twice (seen in
        // CI: a consumer never killed declared dead). The test is about checkpoints, so it gives liveness room.
        suite = SuiteProcesses.start("e2e-resume", Devstack.shared(), 4, Map.of("ZHIYUE_LLM_BASE_URL", LLM.baseUrl(),
                "ZHIYUE_LLM_MODEL", "scripted", "ZHIYUE_LLM_OPTED_IN_TENANTS", "demo-school",
                "ZHIYUE_STREAMS_LIVENESS_TTL", "8s"), "384m");
        gateway = suite.gateway();
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
        LLM.close();
    }

    @Test
    void threeKilledInstancesCostNoReplyTwiceThatWasCheckpointed() throws Exception {
        String examId = gateway.createExam("resume after crashes", "biology");
        gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt", "植物的能量从哪里来？",
                "maxScore", 4, "scoreStep", 1, "marking", Map.of("mode", "ai"),
                "rubric", Map.of("points", List.of(Map.of("id", "kw", "description", "names photosynthesis",
                        "points", 4, "match", Map.of("anyOf", List.of("光合作用")))))), 201);
        StringBuilder csv = new StringBuilder("student_id,question_number,answer\n");
        for (int i = 0; i < ANSWERS; i++) {
            csv.append("resume-").append(i).append(",1,植物通过光合作用获得能量，答案").append(i).append('\n');
        }
        gateway.uploadCsv(examId, csv.toString());
        LLM.latency(Duration.ofMillis(200)).otherwise(request -> {
            String call = "call-" + CALLS.incrementAndGet();
            CALL_IDS.put(request, call);
            return new Content("{\"points\":[{\"id\":\"kw\",\"awarded\":true,\"evidence\":\"光合作用\"}],"
                    + "\"score\":4,\"confidence\":0.8,\"reason\":\"" + call + "\"}");
        });

        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<ServiceProcess> alive = new ArrayList<>(suite.grading());
        List<String> kills = new ArrayList<>();
        for (int kill = 0; kill < 3; kill++) {
            int threshold = (kill * 20 + 10 + random.nextInt(15)) * ANSWERS / 100;
            await("job " + jobId + " past " + threshold).atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(100)).until(() -> gateway.job(jobId).done() >= threshold);
            ServiceProcess victim = alive.remove(random.nextInt(alive.size()));
            victim.kill();
            victim.process().onExit().get(30, TimeUnit.SECONDS);
            kills.add(victim.name() + " at " + gateway.job(jobId).done() + "/" + ANSWERS);
        }
        await("job " + jobId + " ends").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> gateway.job(jobId).isFinal());
        Job job = gateway.job(jobId);
        assertThat(job.state()).isEqualTo("COMPLETED");
        assertThat(job.failed()).isZero();
        assertThat(job.graded() + job.pendingReview()).isEqualTo(ANSWERS);
        // the batches taken over said what they did: resumed from a checkpoint, or restarted and why
        JsonNode recovery = gateway.getJson("grading-jobs/" + jobId).path("recovery");
        assertThat(recovery.path("decision").asText()).isIn("RESUMED", "RESTARTED");
        assertThat(recovery.path("reason").asText()).isNotBlank();

        // one result per answer. Three of the gateway's four grading-service instances are dead; job
        // reads came from cache-service, so the balancer has not yet learnt which: a read may try
        // only dead ones within its retries (a 503) until it has, so the pages are read when one answers.
        await("a grading-service the gateway reaches").atMost(Duration.ofSeconds(30))
                .ignoreException(GatewayException.class)
                .until(() -> gateway.getJson("grading-jobs/" + jobId + "/results?page_size=1").has("items"));
        Set<String> submissions = new HashSet<>();
        String cursor = null;
        do {
            JsonNode page = gateway.getJson("grading-jobs/" + jobId + "/results?page_size=200"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.path("items").forEach(item -> assertThat(submissions.add(item.path("submissionId").asText()))
                    .as("one result per submission").isTrue());
            cursor = page.path("nextCursor").isNull() || page.path("nextCursor").isMissingNode() ? null
                    : page.path("nextCursor").asText();
        } while (cursor != null);
        assertThat(submissions).hasSize(ANSWERS);

        // every call ever checkpointed, from the history of every batch's namespace
        Set<String> checkpointed = new HashSet<>();
        for (int batch = 0; batch < ANSWERS / 100; batch++) {
            String namespace = "llm.b" + batch;
            JsonNode list = gateway.getJson("checkpoints/" + jobId + "/" + namespace + "?page_size=200");
            for (JsonNode item : list.path("items")) {
                JsonNode checkpoint = gateway.getJson("checkpoints/" + jobId + "/" + namespace + "/"
                        + item.path("id").asText());
                checkpoint.path("state").path("replies").forEach(reply -> checkpointed.add(callOf(
                        reply.path("reply").asText())));
            }
        }
        assertThat(checkpointed).as("replies checkpointed while the job ran").isNotEmpty();
        // the calls per answer, in the order the double received them
        Map<String, List<String>> callsByAnswer = new HashMap<>();
        for (ScriptedOpenAiServer.Request request : LLM.requests()) {
            String prompt = request.lastUserMessage();
            String answer = prompt.substring(prompt.lastIndexOf("答案") + 2, prompt.lastIndexOf(">>>"));
            callsByAnswer.computeIfAbsent(answer, ignored -> new ArrayList<>()).add(CALL_IDS.get(request));
        }
        assertThat(callsByAnswer).hasSize(ANSWERS);
        int repeated = callsByAnswer.values().stream().mapToInt(calls -> calls.size() - 1).sum();
        System.out.printf("e2e: killed %s (seed %d); %d LLM calls for %d answers (%d asked again), %d replies "
                + "checkpointed%n", kills, seed, LLM.requests().size(), ANSWERS, repeated, checkpointed.size());
        // an answer asked about again must not have had an earlier reply in a checkpoint
        callsByAnswer.forEach((answer, calls) -> assertThat(calls.subList(0, calls.size() - 1))
                .as("answer %s was asked about again (calls %s) after a reply for it was checkpointed", answer, calls)
                .doesNotContainAnyElementsOf(checkpointed));
    }

    private static String callOf(String reply) {
        int at = reply.indexOf("call-");
        return at < 0 ? "" : reply.substring(at, reply.indexOf('"', at));
    }
}
