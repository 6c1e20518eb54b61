package io.zhiyue.grading.migration;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.zhiyue.grading.GradingTestData;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A database created by the first release (V1, with an exam graded then) is migrated by this
 * version when it starts: every later migration applies on top, the old data reads as before, and
 * the old exam can be graded again.
 */
@QuarkusTest
@TestProfile(UpgradeFromFirstReleaseTest.OnAFirstReleaseDatabase.class)
class UpgradeFromFirstReleaseTest {

    public static class OnAFirstReleaseDatabase implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FirstReleaseDatabase.class));
        }
    }

    @Inject
    Pool pool;

    @Test
    void theShippedV1IsUnchanged() throws IOException {
        assertThat(resource("db/migration/V1__grading_schema.sql"))
                .as("V1 shipped with the first release; changes go into a new migration")
                .isEqualTo(resource(FirstReleaseDatabase.SHIPPED_MIGRATIONS + "/V1__grading_schema.sql"));
    }

    @Test
    void migratesAndKeepsWhatTheFirstReleaseStored() {
        List<String> applied = pool.query("SELECT version FROM flyway_history_grading WHERE success AND version IS NOT NULL ORDER BY installed_rank")
                .execute().await().atMost(Duration.ofSeconds(5)).stream().map(row -> row.getString(0)).toList();
        assertThat(applied).as("V1 from the first release, then every later migration").startsWith("1", "2", "3", "4");

        given().when().get("/api/v1/exams/" + FirstReleaseDatabase.EXAM).then().statusCode(200)
                .body("title", equalTo("Graded by the first release"));
        GradingTestData.job(FirstReleaseDatabase.JOB.toString()).body("state", equalTo("COMPLETED"))
                .body("total", equalTo(3)).body("graded", equalTo(2)).body("failed", equalTo(1))
                .body("timings.totalMs", equalTo(2_000))
                // computed by the upgrade from the stored tasks, as the first release showed them
                .body("timings.publishToCommitP50Ms", GradingTestData.decimal("1000.0"));
        given().queryParam("sort_by", "studentId").when().get("/api/v1/grading-jobs/" + FirstReleaseDatabase.JOB
                + "/results").then().statusCode(200)
                .body("items.studentId", contains("old-1", "old-2"))
                .body("items.score", contains(GradingTestData.decimal("4"), GradingTestData.decimal("0")));
        given().queryParam("format", "csv").when().get("/api/v1/grading-jobs/" + FirstReleaseDatabase.JOB + "/export")
                .then().statusCode(200).body(containsString("old-1,1,4.00,4.00"));
        given().when().get("/api/v1/exams/" + FirstReleaseDatabase.EXAM + "/submissions").then().statusCode(200)
                .body("items.studentId", containsInAnyOrder("old-1", "old-2", "old-3"));
        assertThat(outcomes(FirstReleaseDatabase.JOB)).as("the failed task's outcome moved next to the results")
                .containsExactly("DONE 4.00 GRADER", "DONE 0.00 GRADER", "FAILED");
        assertThat(outcomes(FirstReleaseDatabase.JOB_CANCELLED)).as("cancelled tasks keep their outcome")
                .containsExactly("DONE 4.00 GRADER", "CANCELLED", "CANCELLED");
        GradingTestData.job(FirstReleaseDatabase.JOB_CANCELLED.toString()).body("state", equalTo("CANCELLED"))
                .body("graded", equalTo(1)).body("cancelled", equalTo(2));

        // the job the upgrade cut off: recovery republishes its two pending tasks, each graded once
        GradingTestData.awaitState(FirstReleaseDatabase.JOB_IN_FLIGHT.toString(), "COMPLETED");
        GradingTestData.job(FirstReleaseDatabase.JOB_IN_FLIGHT.toString()).body("graded", equalTo(3));
        assertThat(outcomes(FirstReleaseDatabase.JOB_IN_FLIGHT)).containsExactly("DONE 4.00 GRADER",
                "DONE 0.00 GRADER", "DONE 0.00 GRADER");

        String again = GradingTestData.gradeToCompletion(FirstReleaseDatabase.EXAM.toString());
        GradingTestData.job(again).body("graded", equalTo(3));
        given().queryParam("sort_by", "studentId").when().get("/api/v1/grading-jobs/" + again + "/results")
                .then().statusCode(200)
                .body("items.studentId", contains("old-1", "old-2", "old-3"))
                .body("items.score", contains(GradingTestData.decimal("4"), GradingTestData.decimal("0"),
                        GradingTestData.decimal("0")));
    }

    /** Each outcome of the job, by student: status, then final score and source for a graded one. */
    private List<String> outcomes(UUID jobId) {
        return pool.preparedQuery("""
                        SELECT concat_ws(' ', r.status, r.final_score, r.final_source) FROM results r
                        JOIN submissions s ON s.id = r.submission_id WHERE r.job_id = $1 ORDER BY s.student_id""")
                .execute(Tuple.of(jobId)).await().atMost(Duration.ofSeconds(5)).stream()
                .map(row -> row.getString(0)).toList();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }
}
