package io.zhiyue.grading.repository;

/**
 * Every SQL statement of grading-service, in one place. Statements a request reaches filter by
 * tenant; a worker loads a batch only for the tenant its entry names, and from then on keys its
 * statements by the job id.
 *
 * <p>Lock order: whatever records task outcomes locks the job row first (a worker's one statement
 * with FOR KEY SHARE, then its counter update; cancel and split with FOR UPDATE), so workers and
 * cancel never deadlock, and a cancelled job takes no more outcomes. Progress and the job's end
 * are added under FOR NO KEY UPDATE ({@link #LOCK_JOB}), so they follow the counting they report.
 *
 * <p>A task is pending while it has no row in {@code results}: its outcome (DONE, FAILED or
 * CANCELLED) is written once, and the primary key makes a second writer a no-op.
 */
final class SqlQueries {

    private SqlQueries() {
    }

    // exams
    static final String INSERT_EXAM = """
            INSERT INTO exams (id, tenant_id, title, subject) VALUES ($1, $2, $3, $4)
            RETURNING id, title, subject, created_at""";
    static final String FIND_EXAM = "SELECT id, title, subject, created_at FROM exams WHERE tenant_id = $1 AND id = $2";
    static final String LIST_EXAMS = "SELECT id, title, subject, created_at FROM exams WHERE tenant_id = $1";
    static final String COUNT_EXAMS = "SELECT count(*) FROM exams WHERE tenant_id = $1";

    // released results: a release row per exam, written once
    /** The release of exam $2 by $3; no row when the tenant has no such exam or it was released already. */
    static final String RELEASE_EXAM = """
            INSERT INTO exam_releases (exam_id, tenant_id, released_by)
            SELECT id, tenant_id, $3 FROM exams WHERE tenant_id = $1 AND id = $2
            ON CONFLICT (exam_id) DO NOTHING
            RETURNING exam_id, released_at, released_by""";
    static final String FIND_RELEASE =
            "SELECT exam_id, released_at, released_by FROM exam_releases WHERE tenant_id = $1 AND exam_id = $2";
    /** The students who answered the exam, each once: they are told of its release. */
    static final String EXAM_STUDENTS = """
            SELECT DISTINCT student_id FROM submissions WHERE tenant_id = $1 AND exam_id = $2 ORDER BY student_id""";
    /**
     * Student $2's final scores in the tenant's released exams, by release then question: each exam's most
     * recently completed job only (an answer still under review there shows nothing, never an older job's score).
     */
    static final String STUDENT_RESULTS = """
            SELECT e.id AS exam_id, e.title, r.question_number, r.final_score, r.max_score, x.released_at
            FROM exam_releases x
            JOIN exams e ON e.id = x.exam_id
            JOIN LATERAL (SELECT j.id FROM grading_jobs j
                          WHERE j.tenant_id = x.tenant_id AND j.exam_id = x.exam_id AND j.state = 'COMPLETED'
                          ORDER BY j.completed_at DESC NULLS LAST, j.created_at DESC, j.id DESC LIMIT 1) j ON true
            JOIN results r ON r.job_id = j.id AND r.student_id = $2 AND r.status = 'DONE'
            WHERE x.tenant_id = $1 AND r.final_score IS NOT NULL
            ORDER BY x.released_at, x.exam_id, r.question_number""";

    // questions and rubrics
    static final String INSERT_QUESTION = """
            INSERT INTO questions (id, tenant_id, exam_id, number, prompt, max_score, score_step, reference_answer,
                                   marking_mode, auto_accept, min_confidence, audit_rate, double_marking, tolerance)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)""";
    /** Turning auto-accept on starts a new window for the quality alert. */
    static final String SET_AUTO_ACCEPT = """
            UPDATE questions SET auto_accept = $3,
                   auto_accept_since = CASE WHEN $3 AND NOT auto_accept THEN now() ELSE auto_accept_since END
            WHERE tenant_id = $1 AND id = $2""";
    static final String INSERT_RUBRIC = """
            INSERT INTO rubrics (id, tenant_id, question_id, version, content, content_hash, structure_hash, match_hash)
            VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8)""";
    static final String INSERT_SCORING_POINTS = """
            INSERT INTO scoring_points (rubric_id, position, point_id, description, points, match)
            SELECT $1, p.position, p.point_id, p.description, p.points::numeric, p.match::jsonb
            FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
                 AS p(position, point_id, description, points, match)""";
    static final String SET_CURRENT_RUBRIC =
            "UPDATE questions SET current_rubric_id = $3 WHERE tenant_id = $1 AND id = $2";
    static final String QUESTION_COLUMNS = """
            SELECT q.id, q.exam_id, q.number, q.prompt, q.max_score, q.score_step,
                   r.version, r.content_hash, r.structure_hash, r.content::text AS content, q.reference_answer,
                   q.marking_mode, q.auto_accept, q.min_confidence, q.audit_rate, q.double_marking, q.tolerance
            FROM questions q JOIN rubrics r ON r.id = q.current_rubric_id
            """;
    static final String FIND_QUESTION = QUESTION_COLUMNS + " WHERE q.tenant_id = $1 AND q.id = $2";
    static final String FIND_QUESTION_FOR_UPDATE = QUESTION_COLUMNS
            + " WHERE q.tenant_id = $1 AND q.id = $2 FOR UPDATE OF q";
    static final String LIST_QUESTIONS = QUESTION_COLUMNS + " WHERE q.tenant_id = $1 AND q.exam_id = $2 ORDER BY q.number";
    static final String QUESTION_NUMBERS =
            "SELECT number, id FROM questions WHERE tenant_id = $1 AND exam_id = $2";

    /** Each question's number, id, current version and scale: what a mark is checked against and stored under. */
    static final String QUESTION_SCALES = """
            SELECT number, id, current_rubric_id, max_score, score_step FROM questions WHERE tenant_id = $1 AND exam_id = $2""";

    // teacher marks: a mark names the student and question; it is stored under the question's current version
    static final String INSERT_TEACHER_MARKS = """
            INSERT INTO teacher_marks (id, tenant_id, exam_id, submission_id, rubric_id, score, points, marker_id, comment,
                                       source)
            SELECT m.id, $1, $2, s.id, q.current_rubric_id, m.score::numeric, m.points::jsonb, m.marker_id, m.comment,
                   'MARKS'
            FROM unnest($3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[])
                 AS m(id, student_id, question_number, score, points, marker_id, comment)
            JOIN submissions s ON s.tenant_id = $1 AND s.exam_id = $2 AND s.student_id = m.student_id
                              AND s.question_number = m.question_number
            JOIN questions q ON q.id = s.question_id
            RETURNING id""";

    // submissions
    static final String INSERT_SUBMISSIONS = """
            INSERT INTO submissions (id, tenant_id, exam_id, question_id, student_id, question_number, answer, upload_id)
            SELECT s.id, $1, $2, s.question_id, s.student_id, s.question_number, s.answer, $8
            FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::text[])
                 AS s(id, question_id, student_id, question_number, answer)
            ON CONFLICT (exam_id, student_id, question_number) DO NOTHING
            RETURNING id""";
    static final String LIST_SUBMISSIONS = """
            SELECT id, student_id, question_number, answer, created_at
            FROM submissions WHERE tenant_id = $1 AND exam_id = $2""";
    static final String COUNT_SUBMISSIONS = "SELECT count(*) FROM submissions WHERE tenant_id = $1 AND exam_id = $2";

    // jobs
    static final String JOB_COLUMNS = """
            id, tenant_id, exam_id, state, total, graded, failed, cancelled, pending_review, created_at, started_at,
            analyzed_at, split_at, executing_at, completed_at, updated_at, batch_size,
            publish_commit_p50_ms, publish_commit_p99_ms, llm_token_budget, llm_tokens_in, llm_tokens_out,
            recovery::text AS recovery, version, reuse_results""";
    static final String INSERT_JOB = "INSERT INTO grading_jobs (id, tenant_id, exam_id, state, batch_size, llm_token_budget, "
            + "reuse_results) VALUES ($1, $2, $3, 'CREATED', $4, $5, $6) RETURNING " + JOB_COLUMNS;
    static final String FIND_JOB = "SELECT " + JOB_COLUMNS + " FROM grading_jobs WHERE tenant_id = $1 AND id = $2";
    /** An exam's newest jobs, newest first (index grading_jobs_exam). */
    static final String EXAM_JOBS = "SELECT " + JOB_COLUMNS
            + " FROM grading_jobs WHERE tenant_id = $1 AND exam_id = $2 ORDER BY created_at DESC, id LIMIT $3";
    /** A recovery decision on a job that still runs; the job after it (no row: it ended meanwhile). */
    static final String RECORD_RECOVERY = "UPDATE grading_jobs SET recovery = $2::text::jsonb, updated_at = now() "
            + "WHERE id = $1 AND state = 'EXECUTING' RETURNING " + JOB_COLUMNS;
    /** The rubric version and marking settings of each question, as they are when the job is analysed. */
    static final String FREEZE_RUBRICS = """
            INSERT INTO job_rubrics (job_id, question_id, rubric_id, marking_mode, auto_accept, min_confidence,
                                     double_marking, rubric_points, max_score, score_step, tolerance, audit_rate,
                                     teacher_marks)
            SELECT $1, q.id, q.current_rubric_id, q.marking_mode, q.auto_accept, q.min_confidence, q.double_marking,
                   (SELECT count(*) FROM scoring_points p WHERE p.rubric_id = q.current_rubric_id), q.max_score,
                   q.score_step, q.tolerance, q.audit_rate,
                   EXISTS (SELECT 1 FROM teacher_marks m JOIN submissions s ON s.id = m.submission_id
                           WHERE s.question_id = q.id AND m.rubric_id = q.current_rubric_id)
            FROM questions q WHERE q.tenant_id = $2 AND q.exam_id = $3
            ON CONFLICT DO NOTHING""";
    /**
     * Moves a job to $3 only if it is in one of $4, the states JobState allows to move there (the
     * guard mirrors the enum, it does not restate it); $5 says whether $3 is an outcome.
     */
    static final String TRANSITION = """
            UPDATE grading_jobs SET state = $3, updated_at = now(),
                   started_at = CASE WHEN $3 = 'ANALYZED' THEN now() ELSE started_at END,
                   analyzed_at = CASE WHEN $3 = 'ANALYZED' THEN now() ELSE analyzed_at END,
                   split_at = CASE WHEN $3 = 'SPLIT_COMPLETE' THEN now() ELSE split_at END,
                   executing_at = CASE WHEN $3 = 'EXECUTING' AND executing_at IS NULL THEN now() ELSE executing_at END,
                   completed_at = CASE WHEN $5 THEN now() ELSE completed_at END
            WHERE tenant_id = $1 AND id = $2 AND state = ANY($4::text[])
            RETURNING\s""" + JOB_COLUMNS;
    static final String LOCK_JOB_FOR_CONTROL =
            "SELECT state FROM grading_jobs WHERE tenant_id = $1 AND id = $2 FOR UPDATE";
    /**
     * Only submissions whose question has a frozen rubric: a question added after analysis waits for the next job.
     * Copies of an answer go into the same batch (ordered by the answer's hash), where they are graded once and
     * reused ({@code ResultReuse}); batches graded at the same time would each miss the cache for them.
     */
    static final String INSERT_TASKS = """
            INSERT INTO grading_tasks (job_id, submission_id, tenant_id, batch_no)
            SELECT $1, s.id, $2, ((row_number() OVER (ORDER BY s.question_number, md5(s.answer), s.id)) - 1) / $4
            FROM submissions s JOIN job_rubrics jr ON jr.job_id = $1 AND jr.question_id = s.question_id
            WHERE s.tenant_id = $2 AND s.exam_id = $3
            ON CONFLICT DO NOTHING""";
    static final String SET_TOTAL = """
            UPDATE grading_jobs SET total = (SELECT count(*) FROM grading_tasks WHERE job_id = $1), updated_at = now()
            WHERE id = $1
            RETURNING total""";
    /**
     * A task of {@code t} without an outcome yet: a primary-key probe per task. A scalar subquery,
     * not NOT EXISTS, because the planner turns that into an anti-join and, with statistics that
     * predate the job, has rescanned every outcome of the job for each task.
     */
    private static final String PENDING = """
            (SELECT 1 FROM results r WHERE r.job_id = t.job_id AND r.submission_id = t.submission_id) IS NULL""";
    static final String PENDING_BATCHES = """
            SELECT DISTINCT t.batch_no FROM grading_tasks t WHERE t.job_id = $1 AND %s
            ORDER BY t.batch_no""".formatted(PENDING);
    /** The pending batches of a job with the stream entry each was last published as (null: never). */
    static final String PENDING_BATCH_ENTRIES = """
            SELECT p.batch_no, b.stream_id
            FROM (SELECT DISTINCT t.batch_no FROM grading_tasks t WHERE t.job_id = $1 AND %s) p
            LEFT JOIN grading_batches b ON b.job_id = $1 AND b.batch_no = p.batch_no
            ORDER BY p.batch_no""".formatted(PENDING);
    static final String RECORD_BATCHES = """
            INSERT INTO grading_batches (job_id, batch_no, stream_id, published_at)
            SELECT $1, b.batch_no, b.stream_id, now() FROM unnest($2::int[], $3::text[]) AS b(batch_no, stream_id)
            ON CONFLICT (job_id, batch_no) DO UPDATE SET stream_id = EXCLUDED.stream_id, published_at = now()""";
    /** The job as it is now, locked against counting until the commit (progress and the end are added then). */
    static final String LOCK_JOB = "SELECT " + JOB_COLUMNS + " FROM grading_jobs WHERE id = $1 FOR NO KEY UPDATE";
    static final String ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF";
    /** The publish → commit percentiles of a finished job, computed once and kept with it. */
    static final String STORE_TIMINGS = """
            UPDATE grading_jobs j SET publish_commit_p50_ms = t.p50, publish_commit_p99_ms = t.p99
            FROM (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
                         percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
                  FROM (SELECT extract(epoch FROM finished_at - published_at) * 1000 AS ms
                        FROM results WHERE job_id = $1 AND status = 'DONE' AND published_at IS NOT NULL) m) t
            WHERE j.id = $1
            RETURNING\s""" + JOB_COLUMNS;
    /** Every task without an outcome gets CANCELLED as its outcome; the row count is how many. */
    static final String CANCEL_TASKS = """
            INSERT INTO results (job_id, submission_id, tenant_id, status, finished_at)
            SELECT job_id, submission_id, tenant_id, 'CANCELLED', clock_timestamp() FROM grading_tasks
            WHERE job_id = $1
            ON CONFLICT (job_id, submission_id) DO NOTHING""";
    /** $4: the states JobState allows to move to CANCELLED. */
    static final String CANCEL_JOB = """
            UPDATE grading_jobs SET state = 'CANCELLED', cancelled = cancelled + $3, updated_at = now()
            WHERE tenant_id = $1 AND id = $2 AND state = ANY($4::text[])
            RETURNING\s""" + JOB_COLUMNS;
    /** $2: the states recovery resumes. */
    static final String STALLED_JOBS = """
            SELECT id, tenant_id, state, version FROM grading_jobs
            WHERE state = ANY($2::text[]) AND updated_at < now() - $1::bigint * interval '1 millisecond'
            LIMIT 100""";
    static final String TOUCH_JOB = "UPDATE grading_jobs SET updated_at = now() WHERE id = $1";
    /** Every tenant's jobs per state, and the answers they hold for people (the review queue), for the gauges. */
    static final String JOBS_BY_STATE = """
            SELECT state, count(*) AS jobs, coalesce(sum(pending_review), 0) AS pending_review
            FROM grading_jobs GROUP BY state""";

    // the grading hot path: one query loads a batch, one statement records its outcomes
    /**
     * $3: the tenant the batch came for; $4: the states in which a job's batches are graded. With
     * each task the latest teacher mark of its submission under the job's question version, if any
     * (looked up only for a version that had teacher marks when the job was analysed).
     */
    static final String LOAD_BATCH = """
            SELECT t.submission_id, s.student_id, s.question_number, s.question_id, s.answer, jr.rubric_id,
                   jr.marking_mode, jr.auto_accept, jr.min_confidence, jr.double_marking, jr.rubric_points, jr.max_score,
                   jr.audit_rate, tm.score AS teacher_score, j.reuse_results
            FROM grading_jobs j
            JOIN grading_tasks t ON t.job_id = j.id AND t.batch_no = $2
            JOIN submissions s ON s.id = t.submission_id
            JOIN job_rubrics jr ON jr.job_id = j.id AND jr.question_id = s.question_id
            LEFT JOIN LATERAL (SELECT m.score FROM teacher_marks m
                               WHERE jr.teacher_marks AND m.submission_id = t.submission_id
                                 AND m.rubric_id = jr.rubric_id
                               ORDER BY m.created_at DESC LIMIT 1) tm ON true
            WHERE j.id = $1 AND j.tenant_id = $3 AND j.state = ANY($4::text[]) AND %s""".formatted(PENDING);
    /**
     * What addresses a version's results in the result cache ($1 tenant, $2 versions): its content hash, what the
     * graders see besides the rubric (question, reference answer, scale), the stamp of its teacher marks (the
     * exemplar set), its point values, and the newest older version of the question whose point ids and match rules
     * are the same (its results are re-scored with the new values) with that version's stamp.
     */
    static final String REUSE_CONTEXT = """
            SELECT r.id, r.content_hash, q.prompt, q.reference_answer, q.max_score, q.score_step,
                   (SELECT jsonb_object_agg(p.point_id, p.points) FROM scoring_points p WHERE p.rubric_id = r.id)::text
                       AS point_values,
                   ms.marks, ms.latest, prior.id AS prior_id, prior.content_hash AS prior_hash,
                   ps.marks AS prior_marks, ps.latest AS prior_latest
            FROM rubrics r JOIN questions q ON q.id = r.question_id
            LEFT JOIN LATERAL (SELECT count(*) AS marks, max(created_at) AS latest FROM teacher_marks m
                               WHERE m.rubric_id = r.id AND m.tenant_id = $1) ms ON true
            LEFT JOIN LATERAL (SELECT o.id, o.content_hash FROM rubrics o
                               WHERE o.question_id = r.question_id AND o.match_hash = r.match_hash
                                 AND o.version < r.version AND o.content_hash <> r.content_hash
                               ORDER BY o.version DESC LIMIT 1) prior ON true
            LEFT JOIN LATERAL (SELECT count(*) AS marks, max(created_at) AS latest FROM teacher_marks m
                               WHERE m.rubric_id = prior.id AND m.tenant_id = $1) ps ON true
            WHERE r.tenant_id = $1 AND r.id = ANY($2::uuid[])""";
    /** A result's cache address, for a review mark to invalidate ($1 tenant, $2 job, $3 submission). */
    static final String REUSE_ADDRESS = """
            SELECT reuse_version, reuse_key, score FROM results
            WHERE tenant_id = $1 AND job_id = $2 AND submission_id = $3 AND reuse_version IS NOT NULL""";
    static final String LOAD_RUBRICS = """
            SELECT r.id, r.content::text AS content, q.max_score, q.score_step
            FROM rubrics r JOIN questions q ON q.id = r.question_id WHERE r.id = ANY($1::uuid[])""";
    /** The job row, locked (see above) while the job still takes outcomes ($2: the states that do). */
    private static final String OPEN_JOB = """
            job AS (SELECT id, exam_id FROM grading_jobs WHERE id = $1 AND state = ANY($2::text[]) FOR KEY SHARE)""";
    /**
     * Counts the outcomes {@code recorded} (a CTE returning their status and review status) on the job and answers
     * the job after it; no row when nothing was recorded (all of it was recorded before). {@code accepted_now}: the
     * AI proposals among them accepted without a person (a rule-mode result is AUTO_ACCEPTED too, but no proposal).
     */
    private static final String COUNT_OUTCOMES = """
            UPDATE grading_jobs j SET graded = j.graded + c.graded_now, failed = j.failed + c.failed_now,
                   pending_review = j.pending_review + c.review_now, updated_at = now()
            FROM (SELECT count(*) FILTER (WHERE r.status = 'DONE' AND r.review_status <> 'NEEDS_REVIEW') AS graded_now,
                         count(*) FILTER (WHERE r.status = 'FAILED') AS failed_now,
                         count(*) FILTER (WHERE r.review_status = 'NEEDS_REVIEW') AS review_now,
                         count(*) FILTER (WHERE r.review_status = 'AUTO_ACCEPTED' AND jr.marking_mode = 'ai')
                             AS accepted_now
                  FROM recorded r LEFT JOIN job_rubrics jr ON jr.job_id = $1 AND jr.question_id = r.question_id) c
            WHERE j.id = $1 AND c.graded_now + c.failed_now + c.review_now > 0
            RETURNING\s""" + JOB_COLUMNS
            + ", c.graded_now::int, c.failed_now::int, c.review_now::int, c.accepted_now::int";
    /**
     * A CTE after {@code recorded} (the outcomes just written, with what identifies them): each one
     * left NEEDS_REVIEW becomes an item of the review queue, and so does an AUTO_ACCEPTED one drawn
     * for the audit sample ({@code %s}: the drawn submission ids; an audit item is marked once,
     * blind, as a check of the AI).
     */
    private static String queueForReview(String audited) {
        return """
            queued AS (
                INSERT INTO review_items (id, tenant_id, exam_id, job_id, submission_id, question_id, question_number,
                                         state, double_marking, tolerance, max_score, score_step, audit)
                SELECT gen_random_uuid(), r.tenant_id, job.exam_id, job.id, r.submission_id, r.question_id,
                       r.question_number, 'SECOND_MARK', jr.double_marking, jr.tolerance, jr.max_score, jr.score_step,
                       r.review_status = 'AUTO_ACCEPTED'
                FROM recorded r, job JOIN job_rubrics jr ON jr.job_id = job.id
                WHERE jr.question_id = r.question_id
                  AND (r.review_status = 'NEEDS_REVIEW'
                       OR (r.review_status = 'AUTO_ACCEPTED' AND r.submission_id = ANY(%s))))""".formatted(audited);
    }
    private static final String RECORDED_COLUMNS = "status, review_status, tenant_id, submission_id, question_id, question_number";

    /**
     * One statement, so one round trip and one implicit transaction: the outcomes of a batch's
     * tasks (those that have none yet; a redelivered batch records nothing twice) and the job's
     * counters. $3 tenant, $4 the grader behind each proposal, $5 when the batch was published, then one
     * array per column; score, confidence and points are the grader's proposal (null: none), final when the review
     * status is AUTO_ACCEPTED; a HUMAN outcome takes the teacher's mark ($17) as final; $18..$20 how a result was
     * reused and its result cache address (null: graded afresh / no part in reuse).
     */
    static final String RECORD_OUTCOMES = recordOutcomes("");
    /** The same, for a batch with answers left NEEDS_REVIEW. */
    static final String RECORD_OUTCOMES_AND_QUEUE = recordOutcomes(",\n" + queueForReview("$21::uuid[]"));

    private static String recordOutcomes(String more) {
        return """
            WITH %s,
            recorded AS (
                INSERT INTO results (job_id, submission_id, tenant_id, status, review_status, question_id, rubric_id,
                                     student_id, question_number, score, final_score, final_source, max_score,
                                     confidence, grader_id, points, published_at, finished_at, reused, reuse_version,
                                     reuse_key)
                SELECT job.id, x.submission_id, $3, x.status, x.review, x.question_id, x.rubric_id, x.student_id,
                       x.question_number, x.score::numeric,
                       CASE WHEN x.review = 'HUMAN' THEN x.teacher_score::numeric
                            WHEN x.review <> 'NEEDS_REVIEW' THEN x.score::numeric END,
                       CASE WHEN x.review = 'HUMAN' THEN 'HUMAN' WHEN x.review <> 'NEEDS_REVIEW' THEN 'GRADER' END,
                       x.max_score::numeric, x.confidence::numeric, x.grader,
                       x.points::jsonb, $5, clock_timestamp(), x.reused, x.reuse_version, x.reuse_key
                FROM job, unnest($6::uuid[], $7::text[], $8::uuid[], $9::uuid[], $10::text[], $11::int[],
                                 $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[],
                                 $4::text[], $18::text[], $19::text[], $20::text[])
                     AS x(submission_id, status, question_id, rubric_id, student_id, question_number, score,
                          max_score, confidence, points, review, teacher_score, grader, reused, reuse_version,
                          reuse_key)
                ON CONFLICT (job_id, submission_id) DO NOTHING
                RETURNING %s)%s
            %s""".formatted(OPEN_JOB, RECORDED_COLUMNS, more, COUNT_OUTCOMES);
    }

    /**
     * A batch given up on: its tasks without an outcome get FAILED, or in ai marking mode go to
     * people (NEEDS_REVIEW, no proposal) as an answer no grader could propose for would. $3: the batch.
     */
    static final String FAIL_BATCH = """
            WITH %s,
            recorded AS (
                INSERT INTO results (job_id, submission_id, tenant_id, status, review_status, question_id, rubric_id,
                                     student_id, question_number, max_score, finished_at)
                SELECT t.job_id, t.submission_id, t.tenant_id,
                       CASE WHEN jr.marking_mode = 'ai' THEN 'DONE' ELSE 'FAILED' END,
                       CASE WHEN jr.marking_mode = 'ai' THEN 'NEEDS_REVIEW' END,
                       s.question_id, jr.rubric_id, s.student_id, s.question_number, jr.max_score, clock_timestamp()
                FROM job JOIN grading_tasks t ON t.job_id = job.id AND t.batch_no = $3
                JOIN submissions s ON s.id = t.submission_id
                JOIN job_rubrics jr ON jr.job_id = job.id AND jr.question_id = s.question_id
                ON CONFLICT (job_id, submission_id) DO NOTHING
                RETURNING %s),
            %s
            %s""".formatted(OPEN_JOB, RECORDED_COLUMNS, queueForReview("ARRAY[]::uuid[]"), COUNT_OUTCOMES);

    // results: graded outcomes (DONE) are results, final or still under review (final score null)
    static final String FINAL_SCORE = "r.final_score";
    /**
     * What a list sorts and continues by, for the columns that are null while an answer waits for
     * people (or has no proposal): -1 sorts those first and keeps a keyset from comparing with NULL.
     */
    static final String SCORE_ORDER = "coalesce(r.final_score, -1)";
    static final String PROPOSED_ORDER = "coalesce(r.score, -1)";
    static final String CONFIDENCE_ORDER = "coalesce(r.confidence, -1)";
    /**
     * The marks people made on result {@code r}, as JSON, oldest first (null: none): teacher marks
     * under its question version and marks in the review queue.
     */
    static final String PEOPLES_MARKS = """
            (SELECT json_agg(json_build_object('markerId', m.marker_id, 'kind', 'human', 'score', m.score,
                                               'at', m.at) ORDER BY m.at)
             FROM (SELECT t.marker_id, t.score, t.created_at AS at FROM teacher_marks t
                   WHERE t.submission_id = r.submission_id AND t.rubric_id = r.rubric_id
                     AND t.job_id IS DISTINCT FROM r.job_id
                   UNION ALL
                   SELECT rm.marker_id, rm.score, rm.created_at FROM review_items i
                   JOIN review_marks rm ON rm.review_item_id = i.id
                   WHERE i.job_id = r.job_id AND i.submission_id = r.submission_id) m)::text""";
    private static final String GRADED_OF_JOB = "r.tenant_id = $1 AND r.job_id = $2 AND r.status = 'DONE'";
    /** Statistics and the export cover final scores only. */
    private static final String FINAL_OF_JOB = GRADED_OF_JOB + " AND r.final_score IS NOT NULL";
    static final String LIST_RESULTS = """
            SELECT r.submission_id, r.student_id, r.question_number, %s AS score, r.max_score, r.confidence,
                   r.grader_id, r.points::text AS points, r.review_status, r.score AS proposed_score, r.finished_at,
                   r.reused, %s AS score_order, %s AS proposed_order, %s AS confidence_order, %s AS peoples_marks
            FROM results r
            WHERE %s""".formatted(FINAL_SCORE, SCORE_ORDER, PROPOSED_ORDER, CONFIDENCE_ORDER, PEOPLES_MARKS,
            GRADED_OF_JOB);
    /** The export's transaction reads only, and ends by itself when its reader vanished. */
    static final String EXPORT_TRANSACTION =
            "SET TRANSACTION READ ONLY; SET LOCAL idle_in_transaction_session_timeout = '60s'";
    /** What the CSV export needs, nothing more (no per-point JSON), in a stable order. */
    static final String EXPORT_RESULTS = """
            SELECT r.student_id, r.question_number, %s AS score, r.max_score, r.confidence, r.grader_id,
                   r.review_status
            FROM results r
            WHERE %s
            ORDER BY r.student_id, r.question_number, r.submission_id""".formatted(FINAL_SCORE, FINAL_OF_JOB);
    static final String COUNT_RESULTS = "SELECT count(*) FROM results r WHERE " + GRADED_OF_JOB;
    static final String SCORE_DISTRIBUTION = """
            SELECT question_number, max_score, score, count(*) AS n
            FROM (SELECT r.question_number, r.max_score, %s AS score FROM results r WHERE %s) s
            GROUP BY question_number, max_score, score
            ORDER BY question_number, score""".formatted(FINAL_SCORE, FINAL_OF_JOB);
    /** After a job the tables it filled have grown a lot; fresh statistics keep later plans sane. */
    static final String ANALYZE_JOB_TABLES = "ANALYZE grading_tasks, results";
    /** Waits for an answer correction of the exam in progress (which holds the row FOR UPDATE). */
    static final String SHARE_LOCK_EXAM = "SELECT 1 FROM exams WHERE tenant_id = $1 AND id = $2 FOR KEY SHARE";

    // the review queue: never the student's identity, only the answer and what was proposed for it
    private static final String REVIEW_ITEM_COLUMNS = """
            i.id, i.exam_id, i.job_id, i.submission_id, i.question_number, i.state, i.double_marking, i.tolerance,
            i.max_score, i.score_step, i.final_score, i.created_at, i.audit, i.question_id, s.answer,
            CASE WHEN i.lease_expires_at > now() THEN i.leased_to END AS leased_to,
            CASE WHEN i.lease_expires_at > now() THEN i.leased_at END AS leased_at,
            CASE WHEN i.lease_expires_at > now() THEN i.lease_expires_at END AS lease_expires_at,
            r.score AS proposed_score,
            r.confidence, r.grader_id, r.points::text AS points, r.finished_at AS proposed_at, j.state AS job_state""";
    private static final String REVIEW_ITEM_FROM = """
            FROM review_items i
            JOIN grading_jobs j ON j.id = i.job_id
            JOIN submissions s ON s.id = i.submission_id
            JOIN results r ON r.job_id = i.job_id AND r.submission_id = i.submission_id""";
    /** The queue leaves out the items of cancelled jobs. */
    static final String LIST_REVIEW_ITEMS = "SELECT " + REVIEW_ITEM_COLUMNS + " " + REVIEW_ITEM_FROM
            + " WHERE i.tenant_id = $1 AND i.exam_id = $2 AND j.state <> 'CANCELLED'";
    static final String COUNT_REVIEW_ITEMS = """
            SELECT count(*) FROM review_items i JOIN grading_jobs j ON j.id = i.job_id
            WHERE i.tenant_id = $1 AND i.exam_id = $2 AND j.state <> 'CANCELLED'""";
    /** The item, locked against a concurrent mark until the commit. */
    static final String LOCK_REVIEW_ITEM = "SELECT " + REVIEW_ITEM_COLUMNS + " " + REVIEW_ITEM_FROM
            + " WHERE i.tenant_id = $1 AND i.id = $2 FOR UPDATE OF i";
    /**
     * A review item's answer, blindness and the question version its job marks it under. A resolved item counts as
     * blind: it comes back only as a recheck (回评), and its own final score is among the version's marks.
     */
    static final String REVIEW_ITEM_VERSION = """
            SELECT i.exam_id, i.job_id, i.submission_id, i.question_number,
                   i.double_marking OR i.audit OR i.state = 'RESOLVED' AS blind, s.answer, jr.rubric_id
            FROM review_items i
            JOIN submissions s ON s.id = i.submission_id
            JOIN job_rubrics jr ON jr.job_id = i.job_id AND jr.question_id = i.question_id
            WHERE i.tenant_id = $1 AND i.id = $2""";
    static final String REVIEW_MARKS = """
            SELECT marker_id, chief, score, created_at FROM review_marks WHERE review_item_id = $1 ORDER BY created_at""";
    static final String INSERT_REVIEW_MARK = """
            INSERT INTO review_marks (review_item_id, marker_id, chief, score, reason, started_at, points)
            VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb)
            RETURNING created_at""";
    static final String UPDATE_REVIEW_ITEM = """
            UPDATE review_items SET state = $2, final_score = $3,
                   resolved_at = CASE WHEN $2 = 'RESOLVED' THEN now() END,
                   leased_to = NULL, leased_at = NULL, lease_expires_at = NULL
            WHERE id = $1""";
    /**
     * A person's mark made the answer final: the job counts it graded (first, as everything that
     * writes outcomes locks the job row before them), then the result takes it.
     */
    static final String COUNT_REVIEWED = """
            UPDATE grading_jobs SET graded = graded + 1, pending_review = pending_review - 1, updated_at = now()
            WHERE id = $1 AND EXISTS (SELECT 1 FROM results r WHERE r.job_id = $1 AND r.submission_id = $2
                                                                AND r.review_status = 'NEEDS_REVIEW')
            RETURNING\s""" + JOB_COLUMNS;
    /** A person's final score from the review queue, kept for later jobs under the same version. */
    static final String KEEP_REVIEWED_MARK = """
            INSERT INTO teacher_marks (id, tenant_id, exam_id, submission_id, rubric_id, score, marker_id, source, job_id)
            SELECT gen_random_uuid(), r.tenant_id, $3, r.submission_id, r.rubric_id, $4, $5, 'REVIEW', r.job_id
            FROM results r WHERE r.job_id = $1 AND r.submission_id = $2
            RETURNING id""";
    static final String RESOLVE_RESULT = """
            UPDATE results SET final_score = $3, final_source = 'HUMAN', review_status = 'HUMAN'
            WHERE job_id = $1 AND submission_id = $2 AND review_status = 'NEEDS_REVIEW'""";

    /**
     * A mark a compensated saga took back leaves the item's marks and stays on record as withdrawn by that saga (its
     * history stays in score_overrides and the saga's log too).
     */
    static final String WITHDRAW_REVIEW_MARK = """
            WITH gone AS (DELETE FROM review_marks WHERE review_item_id = $1 AND marker_id = $2
                          RETURNING review_item_id, marker_id, chief, score, reason, started_at, points, created_at)
            INSERT INTO withdrawn_review_marks (saga_id, review_item_id, marker_id, chief, score, reason, started_at,
                                                points, marked_at)
            SELECT $3, review_item_id, marker_id, chief, score, reason, started_at, points, created_at FROM gone""";
    static final String FORGET_RECHECK = "DELETE FROM marker_rechecks WHERE review_item_id = $1 AND marker_id = $2";
    static final String HAD_WITHDRAWN_MARK =
            "SELECT 1 FROM withdrawn_review_marks WHERE review_item_id = $1 AND marker_id = $2 LIMIT 1";
    static final String REOPEN_REVIEW_ITEM = """
            UPDATE review_items SET state = $2, final_score = $3, resolved_at = NULL WHERE id = $1""";
    static final String UNCOUNT_REVIEWED = """
            UPDATE grading_jobs SET graded = graded - 1, pending_review = pending_review + 1, updated_at = now()
            WHERE id = $1
            RETURNING\s""" + JOB_COLUMNS;
    static final String FORGET_REVIEWED_MARK = "DELETE FROM teacher_marks WHERE id = $1";

    /**
     * An audit mark (a person's blind mark of an AUTO_ACCEPTED answer) that differs from the AI's
     * score overrides it: the result becomes HUMAN with the person's score. No row: they agreed.
     */
    static final String OVERRIDE_AUDITED_RESULT = """
            UPDATE results SET final_score = $3, final_source = 'HUMAN', review_status = 'HUMAN'
            WHERE job_id = $1 AND submission_id = $2 AND review_status = 'AUTO_ACCEPTED' AND final_score <> $3
            RETURNING submission_id""";

    // AI quality (DESIGN.md "Marking"): blind checks only — the first person's mark on a double-marked
    // or audit item with an AI proposal, made without seeing it
    private static final String BLIND_CHECKS = """
            SELECT i.question_id, r.score AS ai_score, m.score AS human_score,
                   m.created_at >= q.auto_accept_since AS since_auto_accept_on
            FROM review_items i
            JOIN questions q ON q.id = i.question_id
            JOIN grading_jobs j ON j.id = i.job_id AND j.state <> 'CANCELLED'
            JOIN results r ON r.job_id = i.job_id AND r.submission_id = i.submission_id
            JOIN LATERAL (SELECT rm.marker_id, rm.score, rm.created_at FROM review_marks rm
                          WHERE rm.review_item_id = i.id
                          ORDER BY rm.created_at LIMIT 1) m ON true
            WHERE i.tenant_id = $1 AND (i.audit OR i.double_marking) AND r.score IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM withdrawn_review_marks w
                              WHERE w.review_item_id = i.id AND w.marker_id = m.marker_id)""";
    static final String EXAM_BLIND_CHECKS = BLIND_CHECKS + " AND i.exam_id = $2";
    /** Blind checks of one question are weighed one transaction at a time, so none misses another's. */
    static final String LOCK_QUESTION = "SELECT id FROM questions WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE";
    /** The checks of one question since auto-accept was last turned on: what the alert looks at. */
    static final String QUESTION_BLIND_CHECKS_SINCE = BLIND_CHECKS
            + " AND i.question_id = $2 AND m.created_at >= q.auto_accept_since";
    /**
     * How the AI's proposals of each ai-mode question of the exam ended, over its jobs that were not
     * cancelled. An audited answer counts as auto-accepted, and as decided by a person once audited.
     */
    static final String DECISION_COUNTS = """
            SELECT r.question_id,
                   count(*) FILTER (WHERE r.score IS NOT NULL) AS proposals,
                   count(*) FILTER (WHERE r.review_status = 'AUTO_ACCEPTED' OR a.id IS NOT NULL) AS auto_accepted,
                   count(*) FILTER (WHERE r.score IS NOT NULL
                                      AND (r.review_status = 'HUMAN' OR a.state = 'RESOLVED')) AS human_decided,
                   count(*) FILTER (WHERE r.review_status = 'HUMAN' AND r.score IS NOT NULL
                                      AND r.final_score <> r.score) AS overridden
            FROM results r
            JOIN grading_jobs j ON j.id = r.job_id AND j.state <> 'CANCELLED'
            JOIN job_rubrics jr ON jr.job_id = r.job_id AND jr.question_id = r.question_id AND jr.marking_mode = 'ai'
            LEFT JOIN review_items a ON a.job_id = r.job_id AND a.submission_id = r.submission_id AND a.audit
            WHERE r.tenant_id = $1 AND j.exam_id = $2 AND r.status = 'DONE'
            GROUP BY r.question_id""";
    /**
     * The alert stops auto-accept on the question, and in the jobs still marking it (their frozen
     * settings), so no further answer of it is accepted unseen. No row: it was stopped already.
     */
    static final String STOP_AUTO_ACCEPT = """
            WITH stopped AS (
                UPDATE questions SET auto_accept = false WHERE tenant_id = $1 AND id = $2 AND auto_accept
                RETURNING id),
            frozen AS (
                UPDATE job_rubrics jr SET auto_accept = false FROM grading_jobs j, stopped
                WHERE jr.question_id = stopped.id AND j.id = jr.job_id AND j.state = ANY($3::text[]))
            SELECT id FROM stopped""";

    // marker allocation, leases and re-marking checks (回评)
    /** Allocation changes of one exam, one at a time. */
    static final String LOCK_EXAM = "SELECT id FROM exams WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE";
    static final String DELETE_ALLOCATION = "DELETE FROM exam_markers WHERE tenant_id = $1 AND exam_id = $2";
    static final String INSERT_ALLOCATION = """
            INSERT INTO exam_markers (tenant_id, exam_id, marker_id, question_number, chief)
            SELECT $1, $2, a.marker_id, a.question_number, a.chief
            FROM unnest($3::text[], $4::int[], $5::boolean[]) AS a(marker_id, question_number, chief)""";
    static final String SET_RECHECK_EVERY = "UPDATE exams SET recheck_every = $3 WHERE tenant_id = $1 AND id = $2";
    static final String ALLOCATION = """
            SELECT e.recheck_every, m.marker_id, m.question_number, m.chief
            FROM exams e LEFT JOIN exam_markers m ON m.exam_id = e.id
            WHERE e.tenant_id = $1 AND e.id = $2
            ORDER BY m.marker_id, m.question_number""";
    /** Whether the exam allocates markers at all, and what it gives marker $2 for question $3. */
    static final String MARKER_ASSIGNMENT = """
            SELECT count(*) > 0 AS allocated,
                   coalesce(bool_or(marker_id = $2 AND question_number = $3), false) AS assigned,
                   coalesce(bool_or(marker_id = $2 AND question_number = $3 AND chief), false) AS chief
            FROM exam_markers WHERE exam_id = $1""";
    /** The questions marker $3 marks in the exam, and whether as chief; no rows: the exam allocates nobody. */
    static final String MARKER_QUESTIONS = """
            SELECT m.marker_id = $3 AS mine, m.question_number, m.chief FROM exam_markers m
            WHERE m.tenant_id = $1 AND m.exam_id = $2""";
    /**
     * The next item of marker $3's queue, locked: an item they already hold first, then the oldest
     * open item of their questions ($4; null: all) that they have not marked (a chief who marked an
     * item does not arbitrate it), that nobody else holds, arbitration only for a chief ($5). SKIP LOCKED: two markers asking at once get different items.
     */
    static final String NEXT_REVIEW_ITEM = """
            SELECT i.id FROM review_items i JOIN grading_jobs j ON j.id = i.job_id AND j.state <> 'CANCELLED'
            WHERE i.tenant_id = $1 AND i.exam_id = $2 AND i.state <> 'RESOLVED'
              AND ($4::int[] IS NULL OR i.question_number = ANY($4::int[]))
              AND (i.state <> 'ARBITRATION' OR $5)
              AND NOT EXISTS (SELECT 1 FROM review_marks m WHERE m.review_item_id = i.id AND m.marker_id = $3)
              AND (i.leased_to IS NULL OR i.leased_to = $3 OR i.lease_expires_at <= now())
            ORDER BY (i.leased_to = $3 AND i.lease_expires_at > now()) IS TRUE DESC, i.created_at, i.id
            LIMIT 1
            FOR UPDATE OF i SKIP LOCKED""";
    static final String LEASE_REVIEW_ITEM = """
            UPDATE review_items
            SET leased_at = CASE WHEN leased_to = $2 AND lease_expires_at > now() THEN leased_at ELSE now() END,
                leased_to = $2, lease_expires_at = now() + $3::bigint * interval '1 second'
            WHERE id = $1""";
    /** How many marks marker $3 made in the exam, and how many of their answers were served again. */
    static final String RECHECK_DUE = """
            SELECT e.recheck_every,
                   (SELECT count(*) FROM review_marks m JOIN review_items i ON i.id = m.review_item_id
                    WHERE i.exam_id = $2 AND m.marker_id = $3) AS marked,
                   (SELECT count(*) FROM marker_rechecks c JOIN review_items i ON i.id = c.review_item_id
                    WHERE i.exam_id = $2 AND c.marker_id = $3) AS served
            FROM exams e WHERE e.tenant_id = $1 AND e.id = $2""";
    /**
     * One of marker $3's marked answers not served again yet, in an order they cannot guess; served
     * now. Only resolved items: nobody else is marking them, so a re-check takes no one's turn.
     */
    static final String SERVE_RECHECK = """
            INSERT INTO marker_rechecks (review_item_id, marker_id, first_score)
            SELECT m.review_item_id, m.marker_id, m.score
            FROM review_marks m JOIN review_items i ON i.id = m.review_item_id
            JOIN grading_jobs j ON j.id = i.job_id AND j.state <> 'CANCELLED'
            WHERE i.tenant_id = $1 AND i.exam_id = $2 AND m.marker_id = $3 AND i.state = 'RESOLVED'
              AND NOT EXISTS (SELECT 1 FROM marker_rechecks c WHERE c.review_item_id = m.review_item_id
                                                               AND c.marker_id = m.marker_id)
            ORDER BY md5(m.review_item_id::text || m.marker_id)
            LIMIT 1
            RETURNING review_item_id""";
    /** The re-check of item $1 that marker $2 was served and has not marked yet. */
    static final String OPEN_RECHECK = """
            SELECT first_score FROM marker_rechecks WHERE review_item_id = $1 AND marker_id = $2 AND score IS NULL""";
    static final String MARK_RECHECK = """
            UPDATE marker_rechecks SET score = $3, marked_at = clock_timestamp()
            WHERE review_item_id = $1 AND marker_id = $2 AND score IS NULL""";
    /** Per marker of the exam: marks, the median time from taking an item to marking it, deviation from final. */
    static final String MARKER_FIGURES = """
            SELECT m.marker_id, count(*) AS marked,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM m.created_at - m.started_at))
                       FILTER (WHERE m.started_at IS NOT NULL) AS median_seconds,
                   count(*) FILTER (WHERE i.state = 'RESOLVED') AS resolved,
                   avg(abs(m.score - i.final_score)) FILTER (WHERE i.state = 'RESOLVED') AS mean_deviation
            FROM review_marks m JOIN review_items i ON i.id = m.review_item_id
            WHERE i.tenant_id = $1 AND i.exam_id = $2
            GROUP BY m.marker_id""";
    static final String MARKER_RECHECK_FIGURES = """
            SELECT c.marker_id, count(*) FILTER (WHERE c.score IS NOT NULL) AS rechecked,
                   count(*) FILTER (WHERE c.score = c.first_score) AS same,
                   avg(abs(c.score - c.first_score)) AS mean_difference
            FROM marker_rechecks c JOIN review_items i ON i.id = c.review_item_id
            WHERE i.tenant_id = $1 AND i.exam_id = $2
            GROUP BY c.marker_id""";
    /** Teacher marks per marker (uploads and answer groups; a review's kept final score is no mark of its own). */
    static final String MARKER_TEACHER_MARKS = """
            SELECT marker_id, count(*) AS marked FROM teacher_marks
            WHERE tenant_id = $1 AND exam_id = $2 AND source <> 'REVIEW'
            GROUP BY marker_id""";

    // answer groups: stored snapshots of a question's identical answers, marked as one (DESIGN.md "Marking")
    /** The question with its current version and scale: groups are made under that version, marks checked on it. */
    static final String ANSWER_GROUP_QUESTION = """
            SELECT id, exam_id, current_rubric_id, max_score, score_step FROM questions WHERE tenant_id = $1 AND id = $2""";
    /**
     * Every answer to question $3 (exam $2) by id, with the score its latest DONE result in a job not
     * cancelled proposes (null: none) and whether it has a teacher mark under version $4. The exam's
     * jobs are read once; each answer then costs a primary-key probe into results per job.
     */
    static final String QUESTION_ANSWERS = """
            WITH jobs AS MATERIALIZED (
                SELECT id FROM grading_jobs WHERE tenant_id = $1 AND exam_id = $2 AND state <> 'CANCELLED')
            SELECT s.id, s.answer, p.score AS proposed_score,
                   EXISTS (SELECT 1 FROM teacher_marks m WHERE m.submission_id = s.id AND m.rubric_id = $4) AS marked
            FROM submissions s
            LEFT JOIN LATERAL (SELECT r.score FROM jobs j
                               JOIN results r ON r.job_id = j.id AND r.submission_id = s.id
                               WHERE r.status = 'DONE'
                               ORDER BY r.finished_at DESC, r.job_id DESC LIMIT 1) p ON true
            WHERE s.tenant_id = $1 AND s.exam_id = $2 AND s.question_id = $3
            ORDER BY s.id""";
    static final String ANSWER_TEXTS = "SELECT id, answer FROM submissions WHERE tenant_id = $1 AND id = ANY($2::uuid[])";
    /** A snapshot already stored (same id: same version, text and members) stays as it is; answers the new ids. */
    static final String INSERT_ANSWER_GROUPS = """
            INSERT INTO answer_groups (id, tenant_id, question_id, rubric_id, representative, size, proposed_score)
            SELECT g.id, $1, $2, $3, g.representative, g.size, g.proposed_score::numeric
            FROM unnest($4::uuid[], $5::text[], $6::int[], $7::text[]) AS g(id, representative, size, proposed_score)
            ON CONFLICT (id) DO NOTHING
            RETURNING id""";
    static final String INSERT_ANSWER_GROUP_MEMBERS = """
            INSERT INTO answer_group_members (group_id, submission_id)
            SELECT m.group_id, m.submission_id FROM unnest($1::uuid[], $2::uuid[]) AS m(group_id, submission_id)
            ON CONFLICT DO NOTHING""";
    static final String ANSWER_GROUPS_CREATED =
            "SELECT id, created_at FROM answer_groups WHERE tenant_id = $1 AND id = ANY($2::uuid[])";
    static final String FIND_ANSWER_GROUP = """
            SELECT g.id, g.question_id, q.number, g.rubric_id, q.exam_id, q.max_score, q.score_step
            FROM answer_groups g JOIN questions q ON q.id = g.question_id
            WHERE g.tenant_id = $1 AND g.id = $2""";
    /** One teacher mark per member of the snapshot, under the group's version; the row count is how many. */
    static final String MARK_ANSWER_GROUP = """
            INSERT INTO teacher_marks (id, tenant_id, exam_id, submission_id, rubric_id, score, marker_id, comment, source)
            SELECT gen_random_uuid(), g.tenant_id, s.exam_id, m.submission_id, g.rubric_id, $3, $4, $5, 'ANSWER_GROUP'
            FROM answer_groups g
            JOIN answer_group_members m ON m.group_id = g.id
            JOIN submissions s ON s.id = m.submission_id
            WHERE g.tenant_id = $1 AND g.id = $2""";
    /**
     * The open review items of the group's members in jobs that are not cancelled and froze the
     * group's version, oldest first; {@code blind}: double-marked or drawn for the audit sample.
     */
    static final String ANSWER_GROUP_REVIEW_ITEMS = """
            SELECT i.id, i.double_marking OR i.audit AS blind
            FROM answer_groups g
            JOIN questions q ON q.id = g.question_id
            JOIN answer_group_members m ON m.group_id = g.id
            JOIN grading_jobs j ON j.tenant_id = g.tenant_id AND j.exam_id = q.exam_id AND j.state <> 'CANCELLED'
            JOIN job_rubrics jr ON jr.job_id = j.id AND jr.question_id = g.question_id AND jr.rubric_id = g.rubric_id
            JOIN review_items i ON i.job_id = j.id AND i.submission_id = m.submission_id
            WHERE g.tenant_id = $1 AND g.id = $2 AND i.state <> 'RESOLVED'
            ORDER BY i.created_at, i.id""";

    // embeddings: one per model and distinct normalised answer
    static final String FIND_EMBEDDINGS = """
            SELECT text_hash, vector FROM answer_embeddings WHERE model = $1 AND text_hash = ANY($2::bytea[])""";
    static final String INSERT_EMBEDDINGS = """
            INSERT INTO answer_embeddings (model, text_hash, vector)
            SELECT $1, e.text_hash, e.vector FROM unnest($2::bytea[], $3::bytea[]) AS e(text_hash, vector)
            ON CONFLICT DO NOTHING""";
    /** The distinct answers to a question (as written; the caller normalises), in one order for every run. */
    static final String DISTINCT_ANSWERS = """
            SELECT DISTINCT s.answer FROM submissions s JOIN questions q ON q.id = s.question_id
            WHERE q.tenant_id = $1 AND q.id = $2 ORDER BY s.answer""";
    /** The question's answers without a teacher mark under its current version, in a stable order. */
    static final String UNMARKED_ANSWERS = """
            SELECT s.id, s.student_id, s.answer FROM submissions s JOIN questions q ON q.id = s.question_id
            WHERE q.tenant_id = $1 AND q.id = $2
              AND NOT EXISTS (SELECT 1 FROM teacher_marks m
                              WHERE m.submission_id = s.id AND m.rubric_id = q.current_rubric_id)
            ORDER BY s.id""";
    /** Per question version: how many teacher marks it has and when the latest was made (a change detector). */
    static final String EXEMPLAR_STAMPS = """
            SELECT rubric_id, count(*) AS marks, max(created_at) AS latest FROM teacher_marks
            WHERE tenant_id = $1 AND rubric_id = ANY($2::uuid[]) GROUP BY rubric_id""";
    /** The version's teacher-marked answers: each submission's latest mark with its answer as written. */
    static final String EXEMPLARS = """
            SELECT DISTINCT ON (m.submission_id) s.answer, m.score FROM teacher_marks m
            JOIN submissions s ON s.id = m.submission_id
            WHERE m.tenant_id = $1 AND m.rubric_id = $2
            ORDER BY m.submission_id, m.created_at DESC""";
}
