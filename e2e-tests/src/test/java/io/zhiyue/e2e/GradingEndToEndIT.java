package io.zhiyue.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.devstack.RespClient;
import io.zhiyue.e2e.driver.Csv;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.GatewayException;
import io.zhiyue.e2e.driver.Job;
import io.zhiyue.e2e.driver.JobWatch;
import io.zhiyue.e2e.driver.LiveChannelClient;
import io.zhiyue.e2e.driver.Question;
import io.zhiyue.e2e.driver.Result;
import io.zhiyue.e2e.driver.ResultPage;
import io.zhiyue.e2e.driver.SampleExam;
import io.zhiyue.e2e.driver.Statistics;
import io.zhiyue.e2e.driver.StormMain;
import io.zhiyue.e2e.driver.SubscriptionStorm;
import io.zhiyue.e2e.driver.UploadReport;
import io.zhiyue.shared.stream.Streams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The whole system as a user runs it: the devstack, the gateway and two grading-service
 * processes from the packaged jars, the gateway balancing over both. Resume after a dropped
 * socket; a subscription storm on one job; and an exam of 2,000 submissions graded while the
 * instance the gateway used first is killed with SIGKILL holding a batch it has not acknowledged:
 * the API keeps answering, the job completes within seconds through the other instance, and every
 * submission gets exactly one score, the one the rubric gives. The storm and the kill come last
 * because they are the hardest on the system.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GradingEndToEndIT {

    private static final int STUDENTS = 400;
    /**
     * Sockets that subscribe to one job at once while REST reads go on. 1,500 on this suite's 2 shared cores: at
     * 2,000 the REST reads' slowest answers sat at the gateway's 5 s budget and one in a run could run out; the
     * 10,000-socket figure is ./zhiyue bench ws's, on a gateway of its own.
     */
    private static final int STORM_SOCKETS = 1_500;
    private static final Duration GRADING = Duration.ofMinutes(3);
    /** Right answers (4 of 4) to where a plant's energy comes from, each worded differently. */
    private static final List<String> RIGHT = List.of(
            "植物通过光合作用把光能转化为化学能，储存在有机物中", "光合作用把光能变成化学能储存在有机物里",
            "绿色植物利用光能，把二氧化碳和水合成有机物，能量储存在有机物中", "植物的光合作用将光能转化成化学能储存起来",
            "在叶绿体中，光能被转化为化学能，储存在糖类等有机物中", "光能经光合作用转变为化学能，贮存在有机物中",
            "植物吸收光能，通过光合作用转化为储存在有机物中的化学能", "光合作用中光能转化为化学能并储存在葡萄糖里",
            "叶绿体把光能转换成化学能，存在有机物中", "通过光合作用，光能最终以化学能的形式储存在有机物中");
    /** Wrong answers (0 of 4) on the same topic. */
    private static final List<String> WRONG = List.of(
            "植物靠根从土壤里吸收食物长大", "植物的食物全部来自土壤里的养分", "植物是靠吃土里的肥料长大的",
            "根从泥土中吸收营养，所以植物能长大", "植物从土壤中获得所有的能量和食物", "土壤里的养料就是植物的食物来源",
            "植物生长需要的能量都是根从土里吸来的", "植物靠肥料和土壤长大，不需要别的", "植物的营养都来自土壤中的肥料",
            "植物长大是因为根吸收了泥土里的食物");

    private static SuiteProcesses suite;
    private static GatewayClient gateway;
    /** The grading-service instance that served the gateway's first call. */
    private static ServiceProcess firstUsed;

    @BeforeAll
    static void startSystem() {
        suite = SuiteProcesses.start("e2e", Devstack.shared(), 2, Map.of());
        gateway = suite.gateway();
        gateway.createExam("which instance answers first", "probe");
        firstUsed = suite.grading().stream().filter(GradingEndToEndIT::servedAnExam).findFirst()
                .orElseThrow(() -> new IllegalStateException("no grading-service instance served POST /api/v1/exams"));
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
    }

    /**
     * Marking with people in the loop through the gateway: an ai-mode question with double
     * marking completes with every answer waiting for people; markers work the queue blind; one
     * pair agrees, one needs a third mark, one goes to the chief; then the job, the results and
     * the export agree on the final scores.
     */
    @Test
    @Order(0)
    void markersWorkTheReviewQueueBlindAndTheResultsAgree() {
        String examId = gateway.createExam("marking with people in the loop", "biology");
        gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1, "prompt",
                "What does photosynthesis release?", "maxScore", 4, "scoreStep", 0.5,
                "rubric", Map.of("points", List.of(Map.of("id", "o2", "description", "names oxygen", "points", 4,
                        "match", Map.of("anyOf", List.of("oxygen"))))),
                "marking", Map.of("mode", "ai", "doubleMarking", Map.of("enabled", true, "tolerance", 1))), 201);
        gateway.uploadCsv(examId, "student_id,question_number,answer\ne-1,1,oxygen\ne-2,1,oxygen gas\n"
                + "e-3,1,carbon dioxide\ne-4,1,O2 and sugar\n");
        // a teacher marks a sample first: that answer takes the teacher's score, no grader asked
        assertThat(gateway.as("teacher-li", "teacher").uploadMarksCsv(examId, "student_id,question_number,score,marker_id\ne-4,1,3,teacher-li\n")
                .accepted()).isEqualTo(1);
        gateway.putJson("exams/" + examId + "/markers", Map.of("recheckEvery", 100, "markers", List.of(
                Map.of("markerId", "m1", "questionNumbers", List.of(1)),
                Map.of("markerId", "m2", "questionNumbers", List.of(1)),
                Map.of("markerId", "m3", "questionNumbers", List.of(1)),
                Map.of("markerId", "chief-1", "questionNumbers", List.of(1), "chief", true))));

        try (LiveChannelClient exam = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10))) {
            exam.subscribe("exam:" + examId);
            await().atMost(Duration.ofSeconds(10)).until(() -> !exam.messages("SYSTEM_STATUS").isEmpty());
            String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
            await().atMost(GRADING).until(() -> gateway.job(jobId).isFinal());
            Job waiting = gateway.job(jobId);
            assertThat(waiting.state()).isEqualTo("COMPLETED");
            assertThat(waiting.graded()).isEqualTo(1);
            assertThat(waiting.pendingReview()).isEqualTo(3);

            JsonNode queue = gateway.getJson("exams/" + examId + "/review-items");
            assertThat(queue.path("items")).hasSize(3);
            // no student id (they are e-0 … e-3 here; the quotes keep a UUID's "…e-1…" from matching)
            assertThat(queue.toString()).as("anonymous").doesNotContain("\"e-1\"").doesNotContain("studentId");

            // m1 works their queue one leased answer at a time, blind: the grader proposed 4, 4 and 0
            Map<String, Double> m1 = Map.of("oxygen", 3.5, "oxygen gas", 2.0, "carbon dioxide", 2.0);
            assertThat(workQueue(examId, "m1", m1)).containsExactlyInAnyOrderElementsOf(m1.keySet());
            // 3.5 is within 1 of 4: resolved to their mean down to the step; the other two need a third mark
            assertThat(workQueue(examId, "m2", Map.of("oxygen gas", 4.0, "carbon dioxide", 4.0)))
                    .containsExactlyInAnyOrder("oxygen gas", "carbon dioxide");
            // proposed 0, marked 2 and 4: nobody within 1 of anybody, the chief decides; nobody else may
            String arbitration = gateway.getJson("exams/" + examId + "/review-items?filter[state]=ARBITRATION")
                    .path("items").get(0).path("id").asText();
            assertThatThrownBy(() -> mark(arbitration, 1, "m3", false))
                    .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.status()).isEqualTo(403));
            assertThat(gateway.nextReviewItem(examId, "m3")).isEmpty();
            assertThat(workQueue(examId, "chief-1", Map.of("carbon dioxide", 1.0))).containsExactly("carbon dioxide");

            Job marked = gateway.job(jobId);
            assertThat(marked.graded()).isEqualTo(4);
            assertThat(marked.pendingReview()).isZero();
            List<String> export = gateway.exportCsv(jobId).lines().toList();
            assertThat(export.get(0)).endsWith(",review_status");
            assertThat(export.subList(1, export.size())).hasSize(4)
                    .anySatisfy(line -> assertThat(line).startsWith("e-1,1,3.50,").endsWith(",HUMAN"))
                    .anySatisfy(line -> assertThat(line).startsWith("e-2,1,4.00,").endsWith(",HUMAN"))
                    .anySatisfy(line -> assertThat(line).startsWith("e-3,1,1.00,").endsWith(",HUMAN"))
                    .anySatisfy(line -> assertThat(line).startsWith("e-4,1,3.00,").endsWith(",HUMAN"));

            // the blind checks are the three first human marks of AI proposals: 3.5 vs 4 (adjacent), 2 vs 4, 2 vs 0
            JsonNode quality = gateway.getJson("exams/" + examId + "/quality").path("questions").get(0);
            assertThat(quality.path("checked").asInt()).isEqualTo(3);
            assertThat(quality.path("exactAgreement").asDouble()).isZero();
            assertThat(quality.path("adjacentAgreement").asDouble()).isCloseTo(1.0 / 3, within(1e-9));
            assertThat(quality.path("overrideRate").asDouble()).isCloseTo(2.0 / 3, within(1e-9));
            assertThat(quality.path("alert").asBoolean()).isFalse();
            JsonNode markers = gateway.getJson("exams/" + examId + "/markers/quality").path("markers");
            Map<String, JsonNode> byMarker = new HashMap<>();
            markers.forEach(marker -> byMarker.put(marker.path("markerId").asText(), marker));
            assertThat(byMarker.get("m1").path("reviewMarks").asInt()).isEqualTo(3);
            assertThat(byMarker.get("m1").path("teacherMarks").asInt()).isZero();
            assertThat(byMarker.get("m1").path("meanDeviation").decimalValue()).isEqualByComparingTo("1");
            assertThat(byMarker.get("m2").path("reviewMarks").asInt()).isEqualTo(2);
            assertThat(byMarker.get("teacher-li").path("teacherMarks").asInt()).isEqualTo(1);

            // the exam channel saw the job, the queue move and every score the markers made final
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(exam.messages("JOB_STATE_CHANGED"))
                        .anyMatch(m -> "COMPLETED".equals(m.data().path("to").asText()));
                assertThat(exam.messages("REVIEW_ITEM_CHANGED")).extracting(m -> m.data().path("state").asText())
                        .containsExactlyInAnyOrder("RESOLVED", "THIRD_MARK", "THIRD_MARK", "ARBITRATION",
                                "RESOLVED", "RESOLVED");
                assertThat(exam.messages("SCORE_CHANGED")).hasSize(3);
                assertThat(exam.messages("GRADING_PROGRESS")).map(exam::progress)
                        .anyMatch(progress -> progress.graded() == 4);
            });
            assertThat(exam.duplicates()).isZero();
        }
    }

    /** The marker takes and marks answers from their queue until it is empty; answers the answers they marked. */
    private static List<String> workQueue(String examId, String markerId, Map<String, Double> scores) {
        List<String> answers = new ArrayList<>();
        for (Optional<JsonNode> item = gateway.nextReviewItem(examId, markerId); item.isPresent();
                item = gateway.nextReviewItem(examId, markerId)) {
            String answer = item.get().path("answer").asText();
            assertThat(item.get().path("proposal").isNull()).as("blind").isTrue();
            assertThat(scores).as("an answer %s did not expect", markerId).containsKey(answer);
            mark(item.get().path("id").asText(), scores.get(answer), markerId, false);
            answers.add(answer);
        }
        return answers;
    }

    private static JsonNode mark(String itemId, double score, String markerId, boolean chief) {
        GatewayClient marker = chief ? gateway.as(markerId, "marker", "chief") : gateway.as(markerId, "marker");
        return marker.postJson("review-items/" + itemId + "/marks",
                Map.of("score", score, "markerId", markerId, "chief", chief), 200);
    }

    @Test
    @Order(1)
    void theExemplarGraderLearnsFromTheAnswersTheSuggestionsChose() {
        String examId = gateway.createExam("the exemplar grader", "biology");
        String questionId = gateway.postJson("exams/" + examId + "/questions", Map.of("number", 1,
                "prompt", "植物的能量从哪里来？", "maxScore", 4, "scoreStep", 1, "marking", Map.of("mode", "ai")), 201)
                .path("id").asText();
        Map<String, Integer> teacherScore = new HashMap<>();
        StringBuilder answers = new StringBuilder("student_id,question_number,answer\n");
        List<List<String>> kinds = List.of(RIGHT, WRONG);
        for (int kind = 0; kind < kinds.size(); kind++) {
            for (int i = 0; i < kinds.get(kind).size(); i++) {
                String answer = kinds.get(kind).get(i);
                answers.append("x").append(kind).append('-').append(i).append(",1,").append(answer).append('\n');
                teacherScore.put(answer, kind == 0 ? 4 : 0);
            }
        }
        gateway.uploadCsv(examId, answers.toString());

        // the teacher marks what the suggestions choose, biggest cluster first
        JsonNode suggested = gateway.getJson("questions/" + questionId + "/exemplar-suggestions?count=16");
        assertThat(suggested.path("items")).hasSize(16);
        StringBuilder marks = new StringBuilder("student_id,question_number,score,marker_id\n");
        for (JsonNode item : suggested.path("items")) {
            marks.append(item.path("studentId").asText()).append(",1,")
                    .append(teacherScore.get(item.path("answer").asText())).append(",teacher-li\n");
        }
        assertThat(gateway.as("teacher-li", "teacher").uploadMarksCsv(examId, marks.toString()).accepted()).isEqualTo(16);
        // suggestions leave out what is marked
        assertThat(gateway.getJson("questions/" + questionId + "/exemplar-suggestions?count=16").path("items"))
                .hasSize(RIGHT.size() + WRONG.size() - 16);

        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        await().atMost(GRADING).until(() -> gateway.job(jobId).isFinal());
        Job done = gateway.job(jobId);
        assertThat(done.state()).isEqualTo("COMPLETED");
        assertThat(done.graded() + done.pendingReview()).isEqualTo(RIGHT.size() + WRONG.size());
        // every answer the teacher did not mark has the exemplar grader's proposal: the score the
        // teacher gave the answers like it
        JsonNode results = gateway.getJson("grading-jobs/" + jobId + "/results?page_size=100&filter[graderId]=exemplar-knn");
        assertThat(results.path("items")).hasSize(RIGHT.size() + WRONG.size() - 16);
        for (JsonNode result : results.path("items")) {
            String student = result.path("studentId").asText();
            assertThat(result.path("proposedScore").asInt()).as(student).isEqualTo(student.startsWith("x0") ? 4 : 0);
            assertThat(result.path("confidence").isNumber()).as(student + " has a confidence").isTrue();
            assertThat(result.path("confidence").asDouble()).isBetween(0.0, 1.0);
        }
    }

    @Test
    @Order(2)
    void liveChannelResumesAfterADroppedConnectionWithoutDuplicates() {
        SampleExam exam = SampleExam.generate(100, 77L);
        String examId = gateway.createExam("Resume " + exam.title(), exam.subject());
        exam.questions().forEach(q -> gateway.addQuestion(examId, q));
        assertThat(gateway.uploadCsv(examId, exam.csv()).accepted()).isEqualTo(exam.size());
        Job created = gateway.createJob(examId);
        String channel = "job:" + created.id();

        try (LiveChannelClient client = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10))) {
            AtomicReference<String> droppedAfter = new AtomicReference<>();
            client.onMessage(message -> {
                if ("GRADING_PROGRESS".equals(message.type()) && droppedAfter.compareAndSet(null, message.id())) {
                    client.dropConnection();
                }
            });
            client.subscribe(channel);
            await().atMost(Duration.ofSeconds(10)).until(() -> !client.messages("SYSTEM_STATUS").isEmpty());
            gateway.startJob(created.id());

            Job job = await("job " + created.id() + " finishes").atMost(GRADING).ignoreExceptions()
                    .until(() -> gateway.job(created.id()), Job::isFinal);
            assertThat(job.state()).isEqualTo("COMPLETED");
            await("the resumed socket delivers the end of the job").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(client.reconnects()).as("reconnected after the drop").isGreaterThanOrEqualTo(1);
                assertThat(client.messages("GRADING_PROGRESS")).map(client::progress)
                        .as("final progress; saw:%n%s", client.describe())
                        .anyMatch(p -> p.done() == job.total());
                assertThat(client.messages("JOB_STATE_CHANGED"))
                        .anyMatch(m -> "COMPLETED".equals(m.data().path("to").asText()));
            });
            assertThat(client.duplicates()).as("events delivered twice; saw:%n%s", client.describe()).isZero();
            List<String> ids = client.messages().stream()
                    .filter(m -> channel.equals(m.channel()) && m.id() != null)
                    .filter(m -> !"SYSTEM_STATUS".equals(m.type()) && !"HEARTBEAT".equals(m.type()))
                    .map(LiveChannelClient.Message::id)
                    .toList();
            assertThat(ids).as("event ids in order; saw:%n%s", client.describe())
                    .isSortedAccordingTo(GradingEndToEndIT::compareStreamIds);
        }
    }

    @Test
    @Order(3)
    void aSubscriptionStormIsServedWholeAndTheRestApiKeepsAnswering() {
        StormMain.Result storm = StormMain.run(gateway, STORM_SOCKETS);
        storm.print(System.out);

        SubscriptionStorm.Figures figures = storm.figures();
        assertThat(figures.opened()).as("sockets opened").isEqualTo(STORM_SOCKETS);
        assertThat(figures.confirmed()).as("subscriptions confirmed; refusals %s", figures.refusals())
                .isEqualTo(STORM_SOCKETS);
        assertThat(storm.jobState()).isEqualTo("COMPLETED");
        assertThat(figures.sawCompleted()).as("sockets that saw COMPLETED").isEqualTo(STORM_SOCKETS);
        assertThat(storm.rest().requests()).as("REST calls during the storm").isPositive();
        // the REST reads are a client that does what a 503 asks ("try again shortly") once: on the suite's
        // shared 2 cores the storm saturates the machine, and a read may miss the gateway's 5 s budget once
        assertThat(storm.rest().failed()).as("REST calls that failed during the storm (after one retry on 503): %s",
                storm.rest().failures()).isZero();
        assertThat(storm.rest().retried()).as("REST calls answered only on their retry").isLessThanOrEqualTo(1);
    }

    @Test
    @Order(3)
    void theSagaOperatorRoutesReachSagaServiceThroughTheGateway() {
        assertThat(suite.sagaProcess().readiness()[0]).isEqualTo(200);
        JsonNode page = gateway.getJson("sagas?page_size=5&filter[state]=PARKED");
        assertThat(page.path("items").isArray()).isTrue();
        assertThat(page.path("pageSize").asInt()).isEqualTo(5);
        String unknown = java.util.UUID.randomUUID().toString();
        assertThatThrownBy(() -> gateway.getJson("sagas/" + unknown))
                .isInstanceOfSatisfying(io.zhiyue.e2e.driver.GatewayException.class,
                        e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> gateway.getJson("sagas?filter[state]=HAPPY"))
                .isInstanceOfSatisfying(io.zhiyue.e2e.driver.GatewayException.class,
                        e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    @Order(3)
    void jobStatusIsServedFromCacheServicesReadModelAtTheVersionGradingServiceWrote() {
        SampleExam exam = SampleExam.generate(60, 3L);
        String examId = gateway.createExam("Read model " + exam.title(), exam.subject());
        exam.questions().forEach(q -> gateway.addQuestion(examId, q));
        gateway.uploadCsv(examId, exam.csv());
        String jobId = gateway.startJob(gateway.createJob(examId).id()).id();
        await().atMost(GRADING).until(() -> gateway.job(jobId).isFinal());

        // straight to each service: the read model reaches the version grading-service holds, with the same state
        Job fromGrading = GatewayClient.direct(suite.grading(0).url()).job(jobId);
        GatewayClient cache = GatewayClient.direct(suite.cacheProcess().url());
        await("the read model at the job's last version").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(cache.getJson("jobs/" + jobId).path("version").asLong())
                        .isEqualTo(fromGrading.version()));
        JsonNode fromReadModel = cache.getJson("jobs/" + jobId);
        assertThat(fromReadModel.path("state").asText()).isEqualTo(fromGrading.state());
        assertThat(fromReadModel.path("graded").asInt()).isEqualTo(fromGrading.graded());
        assertThat(fromReadModel.path("stages").path("completed").path("ready").asBoolean()).isTrue();
        assertThat(fromReadModel.path("timings").path("totalMs").isNumber()).isTrue();
        // and the gateway answers this job's status from it
        assertThat(gateway.jobSource(jobId)).isEqualTo("cache-service");
    }

    @Test
    @Order(4)
    void aKilledInstanceStopsNeitherTheApiNorTheJob() throws Exception {
        SampleExam exam = SampleExam.generate(STUDENTS, 20_24L);
        String examId = gateway.createExam(exam.title(), exam.subject());
        for (Question question : exam.questions()) {
            gateway.addQuestion(examId, question);
        }
        UploadReport upload = gateway.uploadCsv(examId, exam.csv());
        assertThat(upload.rejected()).isEmpty();
        assertThat(upload.accepted()).isEqualTo(exam.size()).isGreaterThanOrEqualTo(2_000);
        // a job of 2,000 rule-mode answers takes about a second: when it ends before the victim could be
        // caught holding a batch (nothing was killed), the scenario is run again with a new job
        for (int attempt = 1; attempt <= 3; attempt++) {
            if (killDuringAJob(exam, examId)) {
                return;
            }
            System.out.printf("e2e: the job ended before %s held a batch; again with a new job%n", firstUsed.name());
        }
        org.junit.jupiter.api.Assertions.fail("in three jobs " + firstUsed.name() + " never held a batch while the job ran");
    }

    /** Whether the scenario ran (the victim was killed holding a batch); false when the job ended first. */
    private boolean killDuringAJob(SampleExam exam, String examId) throws Exception {
        Job created = gateway.createJob(examId);
        String channel = "job:" + created.id();
        ServiceProcess victim = firstUsed;

        try (LiveChannelClient live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10));
             JobWatch api = JobWatch.start(gateway, created.id(), Duration.ofMillis(50))) {
            live.subscribe(channel);
            await("subscription confirmed on " + channel).atMost(Duration.ofSeconds(10))
                    .until(() -> live.messages("SYSTEM_STATUS").stream()
                            .anyMatch(m -> m.data().path("subscribed").asBoolean(false)));
            long held = startWithTheVictimHoldingBatches(victim, created.id());
            if (held == 0) {
                return false;
            }
            long killedAt = System.nanoTime();
            Job atKill = gateway.job(created.id());
            assertThat(atKill.isFinal()).as("the instance must be killed while the job runs").isFalse();
            assertThat(victim.process().onExit().get(30, TimeUnit.SECONDS).exitValue())
                    .as("%s died of SIGKILL", victim.name()).isEqualTo(137);

            // the watch's own samples time the completion, so wait until it has seen it
            await("job " + created.id() + " finishes").atMost(GRADING).pollInterval(Duration.ofMillis(100))
                    .until(api::sawFinal);
            Job job = gateway.job(created.id());
            JobWatch.Summary afterKill = api.since(killedAt);
            assertThat(job.state()).as("final state; live channel saw:%n%s", live.describe()).isEqualTo("COMPLETED");
            assertThat(job.graded()).isEqualTo(job.total()).isEqualTo(exam.size());
            assertThat(job.failed()).isZero();
            assertThat(afterKill.failed()).as("API answers that failed after the kill: %s", afterKill).isLessThanOrEqualTo(
                    afterKill.requests() / 10);
            assertThat(afterKill.errorWindowMillis()).as("how long the API failed after the kill").isLessThan(3_000);
            assertThat(afterKill.finalAfterMillis()).as("ms from the kill to the job's completion")
                    .isBetween(0L, 20_000L);

            assertEveryScoreOnceAndAsExpected(job, exam);
            assertStatisticsMatch(job, exam);
            assertExportMatches(job, exam);
            await("final progress and COMPLETED on the live channel").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                assertThat(live.messages("GRADING_PROGRESS")).map(live::progress)
                        .as("a GRADING_PROGRESS at 100%%; live channel saw:%n%s", live.describe())
                        .anyMatch(p -> p.done() == job.total() && p.graded() == job.total()
                                && p.percent().compareTo(BigDecimal.valueOf(100)) == 0);
                assertThat(live.messages("JOB_STATE_CHANGED"))
                        .as("a JOB_STATE_CHANGED to COMPLETED; live channel saw:%n%s", live.describe())
                        .anyMatch(m -> "COMPLETED".equals(m.data().path("to").asText()));
            });
            assertThat(live.duplicates()).as("events delivered twice").isZero();
            try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
                await("the killed instance's unacknowledged batches taken over").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> pendingOf(redis, victim) == 0);
            }
            assertThat(gateway.job(created.id()).graded()).as("a taken-over batch is never graded twice")
                    .isEqualTo(job.total());
            System.out.printf("e2e: %s (first used by the gateway) killed holding %d unacknowledged batch(es) at %d/%d; "
                            + "job %s %d/%d %d ms after the kill, longest stall %d ms; API after the kill: %d calls, "
                            + "%d failed over %d ms, slowest %d ms%n",
                    victim.name(), held, atKill.done(), atKill.total(), job.state(), job.graded(), job.total(),
                    afterKill.finalAfterMillis(), afterKill.longestStallMillis(), afterKill.requests(),
                    afterKill.failed(), afterKill.errorWindowMillis(), afterKill.worstLatencyMillis());
        }
        return true;
    }

    /** Redis stream ids: {@code <millis>-<sequence>}, compared numerically. */
    private static int compareStreamIds(String a, String b) {
        String[] left = a.split("-", 2);
        String[] right = b.split("-", 2);
        int byTime = Long.compare(Long.parseLong(left[0]), Long.parseLong(right[0]));
        return byTime != 0 ? byTime
                : Long.compare(Long.parseLong(left.length > 1 ? left[1] : "0"), Long.parseLong(right.length > 1 ? right[1] : "0"));
    }

    /**
     * Starts the job with {@code victim} frozen (SIGSTOP) while its workers wait in XREADGROUP:
     * Redis hands them the first batches all the same, so the victim holds batches it cannot
     * acknowledge; then it is killed (SIGKILL). The start goes to another instance directly, since
     * the gateway might pick the frozen one. A grading job of 2,000 rule-mode answers takes about a
     * second, too short to catch an instance holding a batch by polling alone (that was flaky); when
     * the frozen workers happened to be between two reads and got nothing, the victim is thawed and
     * caught by polling as before. Answers how many batches it held (0: the job ended first,
     * nothing was killed).
     */
    private static long startWithTheVictimHoldingBatches(ServiceProcess victim, String jobId) throws Exception {
        ServiceProcess starter = suite.grading().stream().filter(process -> process != victim).findFirst()
                .orElseThrow();
        OsProcesses.signal("STOP", List.of(victim.pid()));
        java.net.http.HttpResponse<String> started = java.net.http.HttpClient.newHttpClient().send(
                GatewayClient.directRequest(starter.url().resolve("/api/v1/grading-jobs/" + jobId + "/start"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as("start: %s", started.body()).isEqualTo(200);
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            // the batches go out through the outbox relay after the start commits: on a loaded machine that
            // can take seconds, and Redis hands a frozen consumer's blocked read its entry however long it waits
            long held = await("the frozen " + victim.name() + " handed a batch").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(5)).until(() -> pendingOf(redis, victim), pending -> pending > 0);
            victim.kill();
            return held;
        } catch (org.awaitility.core.ConditionTimeoutException between) {
            // its workers were between two reads when it froze: thaw it and catch it by polling
        }
        OsProcesses.signal("CONT", List.of(victim.pid()));
        return killWhileItHoldsABatch(victim, jobId);
    }

    /**
     * Kills {@code victim} while it holds a batch it has not acknowledged, so the job can only
     * finish if that batch is taken over: the process is frozen (SIGSTOP) once Redis shows it
     * holding one, checked again while frozen (it cannot acknowledge any more), then killed with
     * SIGKILL. Answers how many batches it held, or 0 when the job ended before it held one.
     */
    private static long killWhileItHoldsABatch(ServiceProcess victim, String jobId) {
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            // -1 while it holds none and the job goes on; 0 once the job ended first (nothing killed)
            long held = await(victim.name() + " holding an unacknowledged batch").atMost(GRADING)
                    .pollInterval(Duration.ofMillis(2))
                    .until(() -> {
                        if (pendingOf(redis, victim) == 0) {
                            return gateway.job(jobId).isFinal() ? 0L : -1L;
                        }
                        OsProcesses.signal("STOP", victim.pid());
                        long frozenWith = pendingOf(redis, victim);
                        if (frozenWith > 0) {
                            victim.kill();
                            return frozenWith;
                        }
                        OsProcesses.signal("CONT", victim.pid());
                        return -1L;
                    }, result -> result >= 0);
            return held;
        }
    }

    /** Entries delivered to the process's consumer (named {@code pid@host-…}) and not yet acknowledged. */
    private static long pendingOf(RespClient redis, ServiceProcess process) {
        String prefix = process.pid() + "@";
        long pending = 0;
        for (Object consumer : (List<?>) redis.call("XINFO", "CONSUMERS", Streams.GRADING_TASKS, Streams.GRADERS_GROUP)) {
            List<?> fields = (List<?>) consumer;
            if (String.valueOf(fields.get(1)).startsWith(prefix)) {
                pending += (Long) fields.get(3);
            }
        }
        return pending;
    }

    /** Whether the instance's metrics count a POST /api/v1/exams it served. */
    private static boolean servedAnExam(ServiceProcess instance) {
        return instance.metrics().lines()
                .filter(line -> line.startsWith("http_server_requests_seconds_count{"))
                .filter(line -> line.contains("method=\"POST\"") && line.contains("uri=\"/api/v1/exams\""))
                .anyMatch(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) > 0);
    }

    private static void assertEveryScoreOnceAndAsExpected(Job job, SampleExam exam) {
        List<Result> results = new ArrayList<>();
        for (int page = 1; page <= job.total() / 200 + 2; page++) {
            ResultPage items = gateway.results(job.id(), page, 200);
            assertThat(items.total()).isEqualTo(job.total());
            if (items.items().isEmpty()) {
                break;
            }
            results.addAll(items.items());
        }
        assertThat(results).hasSize(job.total());
        assertThat(results.stream().map(Result::submissionId).collect(Collectors.toSet())).hasSize(job.total());
        assertThat(results.stream().map(r -> r.studentId() + "#" + r.questionNumber()).collect(Collectors.toSet()))
                .hasSize(exam.size());
        List<String> wrong = new ArrayList<>();
        for (Result result : results) {
            BigDecimal expected = exam.expectedScore(result.studentId(), result.questionNumber());
            if (result.score() == null || result.score().compareTo(expected) != 0) {
                wrong.add(result.studentId() + " Q" + result.questionNumber() + " scored " + result.score()
                        + ", expected " + expected + ": " + answerOf(exam, result) + " -> " + result.points());
            }
        }
        assertThat(wrong).as("results whose score differs from the rubric's").isEmpty();
    }

    private static void assertStatisticsMatch(Job job, SampleExam exam) {
        Statistics statistics = gateway.statistics(job.id());
        assertThat(statistics.questions()).hasSize(exam.questions().size());
        assertThat(statistics.questions().stream().mapToLong(Statistics.QuestionStatistics::count).sum())
                .isEqualTo(job.total());
        for (Statistics.QuestionStatistics question : statistics.questions()) {
            List<BigDecimal> expected = exam.expectedScores(question.questionNumber());
            BigDecimal expectedMean = expected.stream().reduce(BigDecimal.ZERO, BigDecimal::add)
                    .divide(BigDecimal.valueOf(expected.size()), 6, RoundingMode.HALF_UP);
            assertThat(question.count()).isEqualTo(expected.size());
            assertThat(question.mean()).as("mean of Q%d", question.questionNumber())
                    .isCloseTo(expectedMean, within(new BigDecimal("0.01")));
            assertThat(question.min()).isEqualByComparingTo(expected.stream().min(BigDecimal::compareTo).orElseThrow());
            assertThat(question.max()).isEqualByComparingTo(expected.stream().max(BigDecimal::compareTo).orElseThrow());
            Map<String, Long> distribution = new TreeMap<>();
            question.distribution().stream().filter(b -> b.count() > 0)
                    .forEach(b -> distribution.put(key(b.score()), b.count()));
            assertThat(distribution).as("distribution of Q%d", question.questionNumber())
                    .isEqualTo(new TreeMap<>(expected.stream()
                            .collect(Collectors.groupingBy(GradingEndToEndIT::key, Collectors.counting()))));
        }
    }

    private static void assertExportMatches(Job job, SampleExam exam) {
        List<List<String>> rows = Csv.parse(gateway.exportCsv(job.id()));
        assertThat(rows).as("header plus one row per result").hasSize(job.total() + 1);
        List<String> header = rows.getFirst();
        assertThat(header).contains("student_id", "question_number", "score", "max_score");
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            column.put(header.get(i), i);
        }
        Function<List<String>, String> student = row -> row.get(column.get("student_id"));
        Function<List<String>, Integer> number = row -> Integer.parseInt(row.get(column.get("question_number")));
        Set<String> seen = new HashSet<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            assertThat(seen.add(student.apply(row) + "#" + number.apply(row))).as("unique row %s", row).isTrue();
            assertThat(new BigDecimal(row.get(column.get("score")))).as("exported score %s", row)
                    .isEqualByComparingTo(exam.expectedScore(student.apply(row), number.apply(row)));
        }
    }

    private static String answerOf(SampleExam exam, Result result) {
        return exam.answers().stream()
                .filter(a -> a.studentId().equals(result.studentId()) && a.questionNumber() == result.questionNumber())
                .map(a -> "\"" + a.text() + "\" planned " + a.earnedPoints())
                .findFirst().orElse("?");
    }

    private static String key(BigDecimal score) {
        return score.stripTrailingZeros().toPlainString();
    }

}
