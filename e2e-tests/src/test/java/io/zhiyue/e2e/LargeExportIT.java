package io.zhiyue.e2e;

import io.zhiyue.devstack.Devstack;
import io.zhiyue.e2e.driver.GatewayClient;
import io.zhiyue.e2e.driver.Job;
import io.zhiyue.e2e.driver.Question;
import io.zhiyue.e2e.driver.SampleExam;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An export of 200,000 results streams through the gateway from grading-service, both running
 * with a heap far too small to hold it: the export arrives whole, and both processes stay up.
 * Exports the caller abandons release grading-service's cursor (and its connection) at once.
 * The results are written straight into the database (grading them would take most of a minute).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LargeExportIT {

    private static final int RESULTS = 200_000;
    /** Far below what 200,000 results held at once would need (the first release held them, with their points). */
    private static final String SMALL_HEAP = "96m";
    /** More than the gateway's connections per instance for exports, so a leak would also block the next one. */
    private static final int ABANDONED = 20;

    private static SuiteProcesses suite;
    private static String jobId;

    @BeforeAll
    static void startSystemWithALargeJob() throws Exception {
        suite = SuiteProcesses.start("export", Devstack.shared(), 1, Map.of(), SMALL_HEAP);
        GatewayClient gateway = suite.gateway();
        SampleExam exam = SampleExam.generate(1, 3L);
        String examId = gateway.createExam("Large export", exam.subject());
        Question question = exam.questions().get(0);
        gateway.addQuestion(examId, question);
        Job job = gateway.createJob(examId);
        fill(UUID.fromString(examId), UUID.fromString(job.id()));
        jobId = job.id();
    }

    @AfterAll
    static void stopSystem() {
        if (suite != null) {
            suite.close();
        }
    }

    @Test
    @Order(1)
    void anAbandonedExportReleasesItsCursorAtOnce() throws Exception {
        double exportedBefore = exportedRows();
        HttpClient client = HttpClient.newHttpClient();
        for (int i = 0; i < ABANDONED; i++) {
            HttpResponse<InputStream> response = client.send(export(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(body.readNBytes(4096)).hasSize(4096);
            }
        }
        // no transaction left open, no export query left running: PostgreSQL would otherwise keep
        // them until its idle timeout, a minute later
        await("abandoned exports released in grading-service").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200)).until(() -> lingeringExports() == 0);
        // read on into the void, each would have sent all its rows
        double sent = exportedRows() - exportedBefore;
        assertThat(sent).as("rows grading-service sent for %d abandoned exports", ABANDONED)
                .isLessThan(ABANDONED * RESULTS / 4.0);
        System.out.printf("e2e: %d exports abandoned after 4 KB: grading-service sent %,.0f of their %,d rows%n",
                ABANDONED, sent, ABANDONED * RESULTS);
    }

    private static double exportedRows() {
        return suite.grading(0).metrics().lines().filter(line -> line.startsWith("zhiyue_grading_export_rows_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    @Order(2)
    void aTwoHundredThousandRowExportStreamsThroughSmallHeaps() throws Exception {
        long[] heapBefore = {heapAfterGc(suite.grading(0)), heapAfterGc(suite.gatewayProcess())};

        HttpResponse<InputStream> response = HttpClient.newHttpClient().send(export(),
                HttpResponse.BodyHandlers.ofInputStream());
        long lines = 0;
        String header;
        long started = System.nanoTime();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            header = reader.readLine();
            while (reader.readLine() != null) {
                lines++;
            }
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        long[] heapAfter = {heapAfterGc(suite.grading(0)), heapAfterGc(suite.gatewayProcess())};

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).as("streamed, not sized up front").isEmpty();
        assertThat(header).startsWith("student_id,question_number,score,max_score");
        assertThat(lines).isEqualTo(RESULTS);
        assertThat(suite.grading(0).isReady()).isTrue();
        assertThat(suite.gatewayProcess().isReady()).isTrue();
        System.out.printf("e2e: exported %,d rows through the gateway in %,d ms with -Xmx%s; heap in use after a "
                        + "full GC, before/after: grading-service %,d/%,d KB, api-gateway %,d/%,d KB%n", lines,
                tookMillis, SMALL_HEAP, heapBefore[0] / 1024, heapAfter[0] / 1024, heapBefore[1] / 1024,
                heapAfter[1] / 1024);
    }

    private static HttpRequest export() {
        return suite.gateway().authorize(HttpRequest.newBuilder(URI.create(suite.gatewayProcess().url()
                + "/api/v1/grading-jobs/" + jobId + "/export?format=csv"))).timeout(Duration.ofMinutes(2)).GET().build();
    }

    /** grading-service backends still inside an export: an open transaction, or the export query. */
    private static long lingeringExports() throws Exception {
        try (Connection connection = connect();
             PreparedStatement statement = connection.prepareStatement("""
                     SELECT count(*) FROM pg_stat_activity
                     WHERE pid <> pg_backend_pid() AND datname = current_database()
                       AND (state LIKE 'idle in transaction%' OR (state = 'active' AND query LIKE '%ORDER BY r.student_id%'))""");
             ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static Connection connect() throws Exception {
        URI url = URI.create(Devstack.shared().pgUrl());
        String[] user = url.getUserInfo().split(":", 2);
        return DriverManager.getConnection("jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath(),
                user[0], user[1]);
    }

    /** 200,000 submissions of the exam, graded for the job: as a finished job leaves them. */
    private static void fill(UUID examId, UUID jobId) throws Exception {
        try (Connection connection = connect()) {
            connection.setAutoCommit(false);
            for (String sql : new String[] {
                    """
                    INSERT INTO grading.submissions (id, tenant_id, exam_id, question_id, student_id, question_number, answer)
                    SELECT gen_random_uuid(), 'demo-school', $1, q.id, 'big-' || lpad(n::text, 6, '0'), q.number, 'answer ' || n
                    FROM grading.questions q, generate_series(1, %d) n WHERE q.exam_id = $1""".formatted(RESULTS),
                    """
                    INSERT INTO grading.job_rubrics (job_id, question_id, rubric_id, max_score, score_step)
                    SELECT $2, q.id, q.current_rubric_id, q.max_score, q.score_step
                    FROM grading.questions q WHERE q.exam_id = $1""",
                    """
                    INSERT INTO grading.grading_tasks (job_id, submission_id, tenant_id, batch_no)
                    SELECT $2, s.id, 'demo-school', 0 FROM grading.submissions s WHERE s.exam_id = $1""",
                    """
                    INSERT INTO grading.results (job_id, submission_id, tenant_id, status, review_status, question_id,
                        rubric_id, student_id, question_number, score, final_score, final_source, max_score, confidence,
                        grader_id, points, published_at)
                    SELECT $2, s.id, 'demo-school', 'DONE', 'AUTO_ACCEPTED', s.question_id, q.current_rubric_id, s.student_id,
                        s.question_number, 1, 1, 'GRADER', q.max_score, 1, 'rule-based-v1', '[]', now()
                    FROM grading.submissions s JOIN grading.questions q ON q.id = s.question_id WHERE s.exam_id = $1""",
                    """
                    UPDATE grading.grading_jobs SET state = 'COMPLETED', total = %d, graded = %d, started_at = now(),
                        completed_at = now() WHERE id = $2 AND $1 IS NOT NULL""".formatted(RESULTS, RESULTS)}) {
                try (PreparedStatement statement = connection.prepareStatement(sql.replace("$1", "?::uuid")
                        .replace("$2", "?::uuid"))) {
                    bind(statement, sql, examId, jobId);
                    statement.executeUpdate();
                }
            }
            connection.commit();
        }
    }

    /** Binds the parameters in order of appearance: {@code $1} is the exam, {@code $2} the job. */
    private static void bind(PreparedStatement statement, String sql, UUID examId, UUID jobId) throws Exception {
        int parameter = 1;
        for (int i = 0; i < sql.length() - 1; i++) {
            if (sql.charAt(i) == '$') {
                statement.setString(parameter++, (sql.charAt(i + 1) == '1' ? examId : jobId).toString());
            }
        }
    }

    /** Heap in use right after a full collection (jcmd GC.run), as the service's metrics report it. */
    private static long heapAfterGc(ServiceProcess process) throws Exception {
        Path java = Path.of(process.process().info().command().orElseThrow());
        Process gc = new ProcessBuilder(java.resolveSibling("jcmd").toString(), Long.toString(process.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertThat(gc.waitFor(30, TimeUnit.SECONDS)).as("jcmd GC.run finished").isTrue();
        long used = 0;
        for (String line : process.metrics().lines().toList()) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                used += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return used;
    }
}
