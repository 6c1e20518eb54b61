package io.zhiyue.grading.migration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.zhiyue.devstack.Devstack;
import io.zhiyue.devstack.Endpoints;
import io.zhiyue.shared.config.ConnectionUrls;
import org.flywaydb.core.Flyway;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A database as the first release left it: its own schema migrated by the V1 that shipped (a frozen
 * copy, so a V1 edited in place on main fails Flyway's checksum validation when the application
 * starts on it), holding an exam that was graded then. The application then starts on it and must
 * migrate it to the current version keeping the data.
 */
public class FirstReleaseDatabase implements QuarkusTestResourceLifecycleManager {

    static final String SCHEMA = "grading_first_release";
    /** The migrations the first release shipped, frozen as they were (V1 only). */
    static final String SHIPPED_MIGRATIONS = "first-release";
    static final UUID EXAM = UUID.fromString("00000000-0000-0000-0000-00000000e001");
    static final UUID QUESTION = UUID.fromString("00000000-0000-0000-0000-00000000a001");
    static final UUID RUBRIC = UUID.fromString("00000000-0000-0000-0000-00000000b001");
    static final UUID JOB = UUID.fromString("00000000-0000-0000-0000-00000000c001");
    /** Cut off by the upgrade while EXECUTING: one task graded, two pending, no progress for a minute. */
    static final UUID JOB_IN_FLIGHT = UUID.fromString("00000000-0000-0000-0000-00000000c002");
    /** CANCELLED after one task was graded: two tasks CANCELLED. */
    static final UUID JOB_CANCELLED = UUID.fromString("00000000-0000-0000-0000-00000000c003");
    static final UUID ANSWER_RIGHT = UUID.fromString("00000000-0000-0000-0000-00000000d001");
    static final UUID ANSWER_WRONG = UUID.fromString("00000000-0000-0000-0000-00000000d002");
    static final UUID ANSWER_FAILED = UUID.fromString("00000000-0000-0000-0000-00000000d003");

    @Override
    public Map<String, String> start() {
        Endpoints endpoints = Devstack.shared();
        URI url = URI.create(endpoints.pgUrl());
        String jdbc = "jdbc:postgresql://" + url.getHost() + ":" + url.getPort() + url.getPath();
        String[] user = url.getUserInfo().split(":", 2);
        try (Connection connection = DriverManager.getConnection(jdbc, user[0], user[1]);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Flyway.configure().dataSource(jdbc, user[0], user[1]).schemas(SCHEMA).defaultSchema(SCHEMA)
                .createSchemas(true).table("flyway_history_grading").locations("classpath:" + SHIPPED_MIGRATIONS)
                .load().migrate();
        try (Connection connection = DriverManager.getConnection(jdbc, user[0], user[1]);
             Statement statement = connection.createStatement()) {
            statement.execute("SET search_path = " + SCHEMA);
            statement.execute(FIRST_RELEASE_DATA);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> config = new HashMap<>(ConnectionUrls.forThisApplication(endpoints.pgUrl(),
                endpoints.redisUrl()));
        // the job cut off by the upgrade is picked up by recovery at once
        config.put("zhiyue.grading.stall-timeout", "PT1S");
        config.put("zhiyue.grading.recovery-interval", "PT0.2S");
        config.put("quarkus.flyway.schemas", SCHEMA);
        config.put("quarkus.flyway.default-schema", SCHEMA);
        config.put("quarkus.datasource.reactive.additional-properties.search_path", SCHEMA);
        return config;
    }

    @Override
    public void stop() {
        // the devstack is shared by the JVM and stops with it
    }

    /**
     * One exam, one question with its rubric, three answers; one job COMPLETED with two results
     * and one task that failed, one cut off while EXECUTING (one result, two tasks pending), one
     * CANCELLED after one result (V1 columns).
     */
    private static final String FIRST_RELEASE_DATA = """
            INSERT INTO exams (id, tenant_id, title, subject) VALUES
                ('%1$s', 'demo-school', 'Graded by the first release', 'biology');
            INSERT INTO questions (id, tenant_id, exam_id, number, prompt, max_score, score_step) VALUES
                ('%2$s', 'demo-school', '%1$s', 1, 'What turns light into sugar?', 4, 0.5);
            INSERT INTO rubrics (id, tenant_id, question_id, version, content, content_hash, structure_hash) VALUES
                ('%3$s', 'demo-school', '%2$s', 1,
                 '{"points":[{"id":"kw","description":"names it","points":4,"match":{"anyOf":["photosynthesis"]}}]}',
                 repeat('a', 64), repeat('b', 64));
            INSERT INTO scoring_points (rubric_id, position, point_id, description, points, match) VALUES
                ('%3$s', 0, 'kw', 'names it', 4, '{"anyOf":["photosynthesis"]}');
            UPDATE questions SET current_rubric_id = '%3$s' WHERE id = '%2$s';
            INSERT INTO submissions (id, tenant_id, exam_id, question_id, student_id, question_number, answer, status) VALUES
                ('%5$s', 'demo-school', '%1$s', '%2$s', 'old-1', 1, 'photosynthesis', 'GRADED'),
                ('%6$s', 'demo-school', '%1$s', '%2$s', 'old-2', 1, 'respiration', 'GRADED'),
                ('%7$s', 'demo-school', '%1$s', '%2$s', 'old-3', 1, 'no idea', 'FAILED');
            INSERT INTO grading_jobs (id, tenant_id, exam_id, state, total, graded, failed, batch_size, started_at, analyzed_at,
                                      split_at, executing_at, completed_at) VALUES
                ('%4$s', 'demo-school', '%1$s', 'COMPLETED', 3, 2, 1, 100, now() - interval '1 minute',
                 now() - interval '1 minute', now() - interval '59 seconds', now() - interval '59 seconds',
                 now() - interval '58 seconds');
            INSERT INTO job_rubrics (job_id, question_id, rubric_id) VALUES ('%4$s', '%2$s', '%3$s');
            INSERT INTO grading_tasks (job_id, submission_id, tenant_id, batch_no, status, published_at, finished_at) VALUES
                ('%4$s', '%5$s', 'demo-school', 0, 'DONE', now() - interval '59 seconds', now() - interval '58 seconds'),
                ('%4$s', '%6$s', 'demo-school', 0, 'DONE', now() - interval '59 seconds', now() - interval '58 seconds'),
                ('%4$s', '%7$s', 'demo-school', 0, 'FAILED', now() - interval '59 seconds', now() - interval '58 seconds');
            INSERT INTO results (job_id, submission_id, tenant_id, question_id, rubric_id, student_id, question_number,
                                 score, max_score, confidence, grader_id, points) VALUES
                ('%4$s', '%5$s', 'demo-school', '%2$s', '%3$s', 'old-1', 1, 4, 4, 1, 'rule-based-v1',
                 '[{"id":"kw","awarded":true,"points":4,"evidence":"photosynthesis"}]'),
                ('%4$s', '%6$s', 'demo-school', '%2$s', '%3$s', 'old-2', 1, 0, 4, 1, 'rule-based-v1',
                 '[{"id":"kw","awarded":false,"points":4,"evidence":null}]');
            INSERT INTO final_scores (job_id, submission_id, tenant_id, score, source) VALUES
                ('%4$s', '%5$s', 'demo-school', 4, 'GRADER'),
                ('%4$s', '%6$s', 'demo-school', 0, 'GRADER');
            INSERT INTO grading_jobs (id, tenant_id, exam_id, state, total, graded, cancelled, batch_size, started_at,
                                      analyzed_at, split_at, executing_at, completed_at, updated_at) VALUES
                ('%8$s', 'demo-school', '%1$s', 'EXECUTING', 3, 1, 0, 2, now() - interval '1 minute',
                 now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 minute', NULL,
                 now() - interval '1 minute'),
                ('%9$s', 'demo-school', '%1$s', 'CANCELLED', 3, 1, 2, 100, now() - interval '1 minute',
                 now() - interval '1 minute', now() - interval '1 minute', now() - interval '1 minute',
                 now() - interval '50 seconds', now() - interval '50 seconds');
            INSERT INTO job_rubrics (job_id, question_id, rubric_id) VALUES ('%8$s', '%2$s', '%3$s'), ('%9$s', '%2$s', '%3$s');
            INSERT INTO grading_tasks (job_id, submission_id, tenant_id, batch_no, status, published_at, finished_at) VALUES
                ('%8$s', '%5$s', 'demo-school', 0, 'DONE', now() - interval '1 minute', now() - interval '1 minute'),
                ('%8$s', '%6$s', 'demo-school', 0, 'PENDING', now() - interval '1 minute', NULL),
                ('%8$s', '%7$s', 'demo-school', 1, 'PENDING', now() - interval '1 minute', NULL),
                ('%9$s', '%5$s', 'demo-school', 0, 'DONE', now() - interval '1 minute', now() - interval '1 minute'),
                ('%9$s', '%6$s', 'demo-school', 0, 'CANCELLED', now() - interval '1 minute', now() - interval '50 seconds'),
                ('%9$s', '%7$s', 'demo-school', 0, 'CANCELLED', now() - interval '1 minute', now() - interval '50 seconds');
            INSERT INTO results (job_id, submission_id, tenant_id, question_id, rubric_id, student_id, question_number,
                                 score, max_score, confidence, grader_id, points) VALUES
                ('%8$s', '%5$s', 'demo-school', '%2$s', '%3$s', 'old-1', 1, 4, 4, 1, 'rule-based-v1',
                 '[{"id":"kw","awarded":true,"points":4,"evidence":"photosynthesis"}]'),
                ('%9$s', '%5$s', 'demo-school', '%2$s', '%3$s', 'old-1', 1, 4, 4, 1, 'rule-based-v1',
                 '[{"id":"kw","awarded":true,"points":4,"evidence":"photosynthesis"}]');
            INSERT INTO final_scores (job_id, submission_id, tenant_id, score, source) VALUES
                ('%8$s', '%5$s', 'demo-school', 4, 'GRADER'),
                ('%9$s', '%5$s', 'demo-school', 4, 'GRADER');
            """.formatted(EXAM, QUESTION, RUBRIC, JOB, ANSWER_RIGHT, ANSWER_WRONG, ANSWER_FAILED, JOB_IN_FLIGHT,
            JOB_CANCELLED);
}
