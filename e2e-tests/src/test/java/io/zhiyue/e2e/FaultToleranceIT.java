package io.zhiyue.e2e;

import io.zhiyue.devstack.DevstackProcess;
import io.zhiyue.devstack.Endpoints;
import io.zhiyue.devstack.RespClient;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.Job;
import io.zhiyue.e2e.driver.LiveChannelClient;
import io.zhiyue.e2e.driver.SampleExam;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A dependency that hangs is a failure too. These tests freeze PostgreSQL or Redis (SIGSTOP), so
 * they run against their own embedded instances, never the devstack the other tests share: a
 * gateway and a grading-service on them, and the API must fail fast and recover by itself.
 */
class FaultToleranceIT {

    private static final Pattern REDIS_PID = Pattern.compile("process_id:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static DevstackProcess infrastructure;
    private static SuiteProcesses suite;
    private static GatewayClient gateway;

    @BeforeAll
    static void startSystem() throws IOException {
        Path root = Path.of(System.getProperty("zhiyue.root", "..")).toAbsolutePath().normalize();
        infrastructure = DevstackProcess.start(new String[0], root.resolve("e2e-tests/target/e2e-logs/faults-devstack.log"));
        suite = SuiteProcesses.start("faults", infrastructure.endpoints(), 1, Map.of());
        gateway = suite.gateway();
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
        if (infrastructure != null) {
            infrastructure.close();
        }
    }

    @Test
    void withRedisFrozenACancelAnswersPromptlyAndItsEventArrivesAfterRedisResumes() throws Exception {
        SampleExam exam = SampleExam.generate(200, 5L);
        String examId = gateway.createExam("Cancel while Redis is frozen", exam.subject());
        exam.questions().forEach(q -> gateway.addQuestion(examId, q));
        gateway.uploadCsv(examId, exam.csv());
        Job job = gateway.createJob(examId);
        String channel = "job:" + job.id();
        long redisPid = redisPid(infrastructure.endpoints());

        try (LiveChannelClient live = LiveChannelClient.connect(gateway.liveChannel(), Duration.ofSeconds(10))) {
            live.subscribe(channel);
            await().atMost(Duration.ofSeconds(10)).until(() -> !live.messages("SYSTEM_STATUS").isEmpty());
            gateway.startJob(job.id());
            // paused, the job stays open however fast it would otherwise finish
            HttpResponse<String> paused = post("/api/v1/grading-jobs/" + job.id() + "/pause");
            assertThat(paused.statusCode()).as("pause: %s", paused.body()).isIn(200, 409);

            OsProcesses.signal("STOP", redisPid);
            long frozenAt = System.nanoTime();
            HttpResponse<String> cancelled;
            long cancelMillis;
            try {
                long started = System.nanoTime();
                cancelled = post("/api/v1/grading-jobs/" + job.id() + "/cancel");
                cancelMillis = (System.nanoTime() - started) / 1_000_000;
                // Redis stays frozen for 2 s in all, and the event waits for it all that time (it is
                // not lost: it arrives after CONT, below)
                Duration frozenFor = remaining(Duration.ofSeconds(2), frozenAt);
                await("CANCELLED held back while Redis is frozen").during(frozenFor)
                        .atMost(frozenFor.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                        .until(() -> live.messages("JOB_STATE_CHANGED").stream()
                                .noneMatch(m -> "CANCELLED".equals(m.data().path("to").asText())));
            } finally {
                OsProcesses.signal("CONT", redisPid);
            }

            assertThat(cancelled.statusCode()).as("cancel with Redis frozen: %s", cancelled.body()).isEqualTo(200);
            assertThat(cancelled.body()).contains("\"CANCELLED\"");
            assertThat(cancelMillis).as("ms the cancel took with Redis frozen").isLessThan(3_000);
            await("CANCELLED on the live channel after Redis resumed").atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(live.messages("JOB_STATE_CHANGED"))
                            .as("live channel saw:%n%s", live.describe())
                            .anyMatch(m -> "CANCELLED".equals(m.data().path("to").asText())));
            System.out.printf("e2e: cancel answered in %d ms with Redis frozen; CANCELLED reached the socket after "
                    + "Redis resumed%n", cancelMillis);
        }
    }

    @Test
    void withPostgresFrozenReadsFailFastWith503AndRecover() throws Exception {
        assertThat(get("/api/v1/exams").statusCode()).isEqualTo(200);
        List<Long> postgres = OsProcesses.withDescendants(postmasterPid(infrastructure.endpoints()));
        ServiceProcess grading = suite.grading(0);

        OsProcesses.signal("STOP", postgres);
        long readMillis;
        HttpResponse<String> read;
        long[] readiness;
        HttpResponse<String> saved;
        long saveMillis;
        try {
            long started = System.nanoTime();
            // a checkpoint save beside the read: checkpoint-service must not hold its caller either
            var save = HTTP.sendAsync(checkpointPut(), HttpResponse.BodyHandlers.ofString())
                    .thenApply(response -> Map.entry(response, (System.nanoTime() - started) / 1_000_000));
            read = get("/api/v1/exams");
            readMillis = (System.nanoTime() - started) / 1_000_000;
            readiness = grading.readiness();
            // frozen for 10 s in all, as an overloaded or failing-over database might be, and
            // grading-service says it is not ready all that time
            Duration frozenFor = remaining(Duration.ofSeconds(10), started);
            await("grading-service unready while PostgreSQL is frozen").during(frozenFor)
                    .atMost(frozenFor.plusSeconds(15)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> grading.readiness()[0] == 503);
            var answered = save.join();
            saved = answered.getKey();
            saveMillis = answered.getValue();
        } finally {
            OsProcesses.signal("CONT", postgres);
        }

        assertThat(read.statusCode()).as("read with PostgreSQL frozen: %s", read.body()).isEqualTo(503);
        assertThat(read.headers().firstValue("Retry-After")).isPresent();
        assertThat(read.body()).contains("DEPENDENCY_UNAVAILABLE");
        assertThat(readMillis).as("ms until the 503").isLessThan(7_000);
        assertThat(readiness[0]).as("grading-service readiness with PostgreSQL frozen").isEqualTo(503);
        assertThat(readiness[1]).as("ms until readiness answered").isLessThan(5_000);
        await("reads succeed again after PostgreSQL resumes").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> get("/api/v1/exams").statusCode() == 200);
        await("grading-service ready again").atMost(Duration.ofSeconds(20)).until(grading::isReady);
        assertThat(saved.statusCode()).as("checkpoint save with PostgreSQL frozen: %s", saved.body()).isEqualTo(503);
        assertThat(saved.headers().firstValue("Retry-After")).isPresent();
        assertThat(saved.body()).contains("DEPENDENCY_UNAVAILABLE");
        assertThat(saveMillis).as("ms until the checkpoint save's 503").isLessThan(12_000);
        await("checkpoint saves succeed again after PostgreSQL resumes").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> HTTP.send(checkpointPut(), HttpResponse.BodyHandlers.ofString()).statusCode() == 201);
        System.out.printf("e2e: with PostgreSQL frozen a read answered 503 in %d ms, readiness %d in %d ms, a "
                + "checkpoint save 503 in %d ms; both succeed again after it resumed%n", readMillis, readiness[0],
                readiness[1], saveMillis);
    }

    /** What is left of {@code total} since {@code startedNanos} (at least a millisecond, as Awaitility needs). */
    private static Duration remaining(Duration total, long startedNanos) {
        Duration left = total.minusNanos(System.nanoTime() - startedNanos);
        return left.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : left;
    }

    private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(suite.gateway().authorize(HttpRequest.newBuilder(gatewayUri(path))).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return HTTP.send(suite.gateway().authorize(HttpRequest.newBuilder(gatewayUri(path))).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A new checkpoint straight to checkpoint-service (a fresh thread and id each time). */
    private static HttpRequest checkpointPut() {
        URI uri = suite.checkpointProcess().url().resolve("/api/v1/checkpoints/" + UUID.randomUUID() + "/llm.b0/"
                + UUID.randomUUID());
        return GatewayClient.directRequest(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"state\":{\"replies\":{}}}")).build();
    }

    private static URI gatewayUri(String path) {
        return suite.gatewayProcess().url().resolve(path);
    }

    private static long redisPid(Endpoints endpoints) {
        try (RespClient redis = new RespClient(endpoints.redisUrl())) {
            Matcher pid = REDIS_PID.matcher(String.valueOf(redis.call("INFO", "server")));
            if (!pid.find()) {
                throw new IllegalStateException("INFO server did not name the process id");
            }
            return Long.parseLong(pid.group(1));
        }
    }

    /** The postmaster's pid, from postmaster.pid in the data directory the server reports. */
    private static long postmasterPid(Endpoints endpoints) throws IOException, SQLException {
        URI url = URI.create(endpoints.pgUrl());
        String[] user = url.getUserInfo().split(":", 2);
        try (Connection connection = DriverManager.getConnection(
                "jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath(), user[0], user[1]);
             ResultSet rows = connection.createStatement().executeQuery("SHOW data_directory")) {
            rows.next();
            String first = Files.readAllLines(Path.of(rows.getString(1), "postmaster.pid")).get(0);
            return Long.parseLong(first.trim());
        }
    }
}
