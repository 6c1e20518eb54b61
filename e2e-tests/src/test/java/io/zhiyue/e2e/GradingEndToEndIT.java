package io.zhiyue.e2e;

import io.zhiyue.devstack.Devstack;
import io.zhiyue.devstack.Endpoints;
import io.zhiyue.devstack.RespClient;
import io.zhiyue.e2e.driver.Csv;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.Job;
import io.zhiyue.e2e.driver.LiveChannelClient;
import io.zhiyue.e2e.driver.Question;
import io.zhiyue.e2e.driver.Result;
import io.zhiyue.e2e.driver.ResultPage;
import io.zhiyue.e2e.driver.SampleExam;
import io.zhiyue.e2e.driver.Statistics;
import io.zhiyue.e2e.driver.UploadReport;
import io.zhiyue.shared.stream.Streams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The whole system as a user runs it: the devstack, the gateway and two grading-service
 * processes from the packaged jars. An exam of 2,000 submissions is graded through the gateway
 * while a real WebSocket client follows the job, and the worker the gateway does not talk to is
 * killed with SIGKILL while it holds a batch it has not acknowledged. Every submission must still
 * get exactly one score, and that score must be the one the rubric gives.
 */
class GradingEndToEndIT {

    private static final int STUDENTS = 400;
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final Duration GRADING = Duration.ofMinutes(3);

    private static final List<ServiceProcess> processes = new ArrayList<>();
    private static ServiceProcess gradingA;
    private static ServiceProcess gradingB;
    private static ServiceProcess gatewayProcess;
    private static GatewayClient gateway;
    private static LiveChannelClient live;

    @BeforeAll
    static void startSystem() {
        Path root = Path.of(System.getProperty("zhiyue.root", "..")).toAbsolutePath().normalize();
        Path logs = root.resolve("e2e-tests/target/e2e-logs");
        Path gradingJar = root.resolve("grading-service/target/quarkus-app/quarkus-run.jar");
        Path gatewayJar = root.resolve("api-gateway/target/quarkus-app/quarkus-run.jar");
        Endpoints infrastructure = Devstack.shared();

        int gradingPortA = ServiceProcess.freePort();
        int gradingPortB = ServiceProcess.freePort();
        int gatewayPort = ServiceProcess.freePort();
        Map<String, String> gradingEnv = Map.of(
                "ZHIYUE_PG_URL", infrastructure.pgUrl(),
                "ZHIYUE_REDIS_URL", infrastructure.redisUrl(),
                // a killed worker's un-acknowledged batches are reclaimed after this idle time
                "ZHIYUE_GRADING_RECLAIM_IDLE", "PT5S");
        gradingA = track(ServiceProcess.start("grading-service-a", gradingJar, gradingPortA, gradingEnv, logs));
        gradingB = track(ServiceProcess.start("grading-service-b", gradingJar, gradingPortB, gradingEnv, logs));
        gatewayProcess = track(ServiceProcess.start("api-gateway", gatewayJar, gatewayPort, Map.of(
                "ZHIYUE_PG_URL", infrastructure.pgUrl(),
                "ZHIYUE_REDIS_URL", infrastructure.redisUrl(),
                "ZHIYUE_GRADING_URL", gradingA.url().toString()), logs));
        for (ServiceProcess process : processes) {
            await(process.name() + " ready (log " + process.log() + ")")
                    .atMost(STARTUP).pollInterval(Duration.ofMillis(500))
                    .until(process::isReady);
        }
        gateway = new GatewayClient(gatewayProcess.url());
    }

    @AfterAll
    static void stopSystem() {
        if (live != null) {
            live.close();
        }
        // the gateway first, so nothing calls a worker that is going away
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
    }

    @Test
    void gradesAWholeExamExactlyOnceWhileAWorkerIsKilled() throws Exception {
        SampleExam exam = SampleExam.generate(STUDENTS, 20_24L);
        String examId = gateway.createExam(exam.title(), exam.subject());
        for (Question question : exam.questions()) {
            gateway.addQuestion(examId, question);
        }
        UploadReport upload = gateway.uploadCsv(examId, exam.csv());
        assertThat(upload.rejected()).isEmpty();
        assertThat(upload.accepted()).isEqualTo(exam.size()).isGreaterThanOrEqualTo(2_000);

        Job created = gateway.createJob(examId);
        assertThat(created.state()).isEqualTo("CREATED");
        String channel = "job:" + created.id();

        live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10));
        live.subscribe(channel);
        await("subscription confirmed on " + channel).atMost(Duration.ofSeconds(10))
                .until(() -> live.messages("SYSTEM_STATUS").stream()
                        .anyMatch(m -> m.data().path("subscribed").asBoolean(false)));

        Job started = gateway.startJob(created.id());
        assertThat(started.state()).isNotEqualTo("CREATED");

        long heldAtKill = killWorkerBWhileItHoldsABatch();
        Job atKill = gateway.job(created.id());
        assertThat(atKill.isFinal()).as("worker B must be killed while the job is running").isFalse();
        assertThat(gradingB.process().onExit().get(30, TimeUnit.SECONDS).exitValue())
                .as("worker B died of SIGKILL").isEqualTo(137);

        Job job = await("job " + created.id() + " finishes").atMost(GRADING).pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> gateway.job(created.id()), Job::isFinal);
        assertThat(job.state()).as("final state; live channel saw:%n%s", live.describe()).isEqualTo("COMPLETED");
        assertThat(job.total()).isEqualTo(exam.size());
        assertThat(job.graded()).isEqualTo(job.total());
        assertThat(job.failed()).isZero();
        assertThat(job.stages().completed().ready()).isTrue();

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
        // B may have died between its commit and its XACK: then the job finishes first and the
        // reclaimed entry is acknowledged as already done once it has been idle long enough
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            await("worker B's unacknowledged batches reclaimed").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> pendingOf(redis, gradingB) == 0);
        }
        assertThat(gateway.job(created.id()).graded()).as("a reclaimed batch is never graded twice")
                .isEqualTo(job.total());
        System.out.printf("e2e: worker B killed holding %d unacknowledged batch(es) at %d/%d done (%s); "
                        + "job %s %d/%d in %s ms; %d progress events%n",
                heldAtKill, atKill.graded() + atKill.failed(), atKill.total(), atKill.state(), job.state(),
                job.graded(), job.total(), job.timings() == null ? "?" : job.timings().totalMs(),
                live.messages("GRADING_PROGRESS").size());
    }

    @Test
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

    /** Redis stream ids: {@code <millis>-<sequence>}, compared numerically. */
    private static int compareStreamIds(String a, String b) {
        String[] left = a.split("-", 2);
        String[] right = b.split("-", 2);
        int byTime = Long.compare(Long.parseLong(left[0]), Long.parseLong(right[0]));
        return byTime != 0 ? byTime
                : Long.compare(Long.parseLong(left.length > 1 ? left[1] : "0"), Long.parseLong(right.length > 1 ? right[1] : "0"));
    }

    /**
     * Kills worker B while it holds a batch it has not acknowledged, so the job can only finish if
     * that batch is reclaimed: B is frozen (SIGSTOP) once Redis shows it holding one, checked again
     * while frozen (it cannot acknowledge any more), then killed with SIGKILL. Answers how many
     * batches B held.
     */
    private static long killWorkerBWhileItHoldsABatch() {
        try (RespClient redis = new RespClient(Devstack.shared().redisUrl())) {
            return await("worker B holding an unacknowledged batch").atMost(GRADING)
                    .pollInterval(Duration.ofMillis(2))
                    .until(() -> {
                        if (pendingOf(redis, gradingB) == 0) {
                            return 0L;
                        }
                        signal(gradingB, "STOP");
                        long held = pendingOf(redis, gradingB);
                        if (held > 0) {
                            gradingB.kill();
                            return held;
                        }
                        signal(gradingB, "CONT");
                        return 0L;
                    }, held -> held > 0);
        }
    }

    /** Entries delivered to the process's consumer (named {@code pid@host-…}) and not yet acknowledged. */
    private static long pendingOf(RespClient redis, ServiceProcess process) {
        String prefix = process.process().pid() + "@";
        long pending = 0;
        for (Object consumer : (List<?>) redis.call("XINFO", "CONSUMERS", Streams.GRADING_TASKS, Streams.GRADERS_GROUP)) {
            List<?> fields = (List<?>) consumer;
            if (String.valueOf(fields.get(1)).startsWith(prefix)) {
                pending += (Long) fields.get(3);
            }
        }
        return pending;
    }

    private static void signal(ServiceProcess process, String signal) throws Exception {
        int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.process().pid()))
                .inheritIO().start().waitFor();
        assertThat(exit).as("kill -%s %s", signal, process.name()).isZero();
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

    private static ServiceProcess track(ServiceProcess process) {
        processes.add(process);
        return process;
    }
}
