-- Deletions and erasures (README "Data lifecycle").

-- Which upload brought an answer in, so a wrong file can be deleted as a whole. Answers stored before this
-- version have none (they can be deleted one by one or with their exam).
-- No index: a deletion by upload and an erasure (by student) are rare admin acts that may scan the table,
-- and bulk uploads stay free of two more indexes to maintain.
ALTER TABLE submissions ADD COLUMN upload_id uuid;

-- A deletion (of a submission, an upload or an exam) or a student's erasure. A deletion waits for its
-- confirmation; an erasure runs when it is asked. The row never holds the student id: an erasure record says
-- who asked, when, and which exams (summary.examIds), nothing personal.
CREATE TABLE data_deletions (
    id            uuid        PRIMARY KEY,
    tenant_id     text        NOT NULL,
    kind          text        NOT NULL CHECK (kind IN ('SUBMISSION', 'UPLOAD', 'EXAM', 'STUDENT')),
    subject_id    uuid,       -- the submission, upload or exam; null for an erasure
    -- an AWAITING_CONFIRMATION row past expires_at reads as EXPIRED and can no longer be confirmed
    state         text        NOT NULL CHECK (state IN ('AWAITING_CONFIRMATION', 'IN_PROGRESS', 'COMPLETED')),
    summary       jsonb       NOT NULL,
    requested_by  text        NOT NULL,
    requested_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz,  -- an unconfirmed deletion's confirmation is refused after this
    confirmed_by  text,
    confirmed_at  timestamptz,
    completed_at  timestamptz,
    -- an erasure's request entry on zhiyue:lifecycle (it names the student): deleted from the stream when
    -- every service has confirmed
    request_entry text
);
CREATE INDEX data_deletions_list ON data_deletions (tenant_id, requested_at DESC, id DESC);

-- Each service's confirmation that it removed what it held of a request (grading-service's own with the
-- deletion itself); the first one of each service is kept.
CREATE TABLE data_deletion_confirmations (
    deletion_id   uuid        NOT NULL REFERENCES data_deletions (id),
    service       text        NOT NULL,
    removed       jsonb       NOT NULL,
    confirmed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (deletion_id, service)
);

-- Deletes answers with everything that hangs off them in this schema, keeping the counters of the jobs that
-- held them true (a job's total, graded, failed, cancelled and pending_review count what it still holds).
-- Answers what it removed by table. The caller holds the exam rows and has refused running jobs.
CREATE FUNCTION delete_submissions(p_tenant text, p_ids uuid[]) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    removed jsonb := '{}';
    n bigint;
    -- the answers' review items, found through their tasks (whose primary key leads with the answer)
    doomed_items uuid[] := ARRAY(SELECT r.id FROM review_items r
                          JOIN grading_tasks t ON t.job_id = r.job_id AND t.submission_id = r.submission_id
                          WHERE t.submission_id = ANY(p_ids));
    lost_groups uuid[] := ARRAY(SELECT DISTINCT group_id FROM answer_group_members WHERE submission_id = ANY(p_ids));
BEGIN
    DELETE FROM withdrawn_review_marks WHERE review_item_id = ANY(doomed_items);
    DELETE FROM marker_rechecks WHERE review_item_id = ANY(doomed_items);
    DELETE FROM review_marks WHERE review_item_id = ANY(doomed_items);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('reviewMarks', n);
    DELETE FROM score_overrides
        WHERE (job_id, submission_id) IN (SELECT job_id, submission_id FROM grading_tasks WHERE submission_id = ANY(p_ids));
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('scoreOverrides', n);
    DELETE FROM review_items WHERE id = ANY(doomed_items);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('reviewItems', n);

    -- a job's counters count what it still holds
    WITH gone AS (DELETE FROM results WHERE (job_id, submission_id) IN
                      (SELECT job_id, submission_id FROM grading_tasks WHERE submission_id = ANY(p_ids))
                  RETURNING job_id, status, review_status),
         per_job AS (SELECT job_id, count(*) AS results,
                            count(*) FILTER (WHERE status = 'DONE' AND review_status IS DISTINCT FROM 'NEEDS_REVIEW') AS graded,
                            count(*) FILTER (WHERE status = 'FAILED') AS failed,
                            count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled,
                            count(*) FILTER (WHERE review_status = 'NEEDS_REVIEW') AS pending
                     FROM gone GROUP BY job_id),
         counted AS (UPDATE grading_jobs j SET graded = j.graded - p.graded, failed = j.failed - p.failed,
                            cancelled = j.cancelled - p.cancelled, pending_review = j.pending_review - p.pending,
                            updated_at = now()
                     FROM per_job p WHERE j.id = p.job_id RETURNING p.results)
    SELECT coalesce(sum(results), 0) INTO n FROM counted;
    removed := removed || jsonb_build_object('results', n);
    WITH gone AS (DELETE FROM grading_tasks WHERE submission_id = ANY(p_ids) RETURNING job_id),
         per_job AS (SELECT job_id, count(*) AS tasks FROM gone GROUP BY job_id),
         counted AS (UPDATE grading_jobs j SET total = j.total - p.tasks, updated_at = now()
                     FROM per_job p WHERE j.id = p.job_id RETURNING p.tasks)
    SELECT coalesce(sum(tasks), 0) INTO n FROM counted;
    removed := removed || jsonb_build_object('tasks', n);

    DELETE FROM llm_audit WHERE submission_id = ANY(p_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('llmAudit', n);
    DELETE FROM teacher_marks WHERE tenant_id = p_tenant AND submission_id = ANY(p_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('teacherMarks', n);
    -- a group is a snapshot of its members (listing the question groups its answers again): one that lost a
    -- member goes whole, and its representative, which may be a deleted answer word for word, with it
    DELETE FROM answer_group_members WHERE group_id = ANY(lost_groups);
    DELETE FROM answer_groups WHERE id = ANY(lost_groups);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('answerGroups', n);
    DELETE FROM submission_versions WHERE submission_id = ANY(p_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('priorVersions', n);
    DELETE FROM submissions WHERE tenant_id = p_tenant AND id = ANY(p_ids);
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('submissions', n);
    RETURN removed;
END $$;

-- Deletes an exam with everything of it: its answers (above), jobs, questions, rubrics, markers, release.
CREATE FUNCTION delete_exam(p_tenant text, p_exam uuid) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    removed jsonb;
    n bigint;
BEGIN
    removed := delete_submissions(p_tenant, ARRAY(SELECT id FROM submissions
                                                  WHERE tenant_id = p_tenant AND exam_id = p_exam));
    -- what delete_submissions reaches through an answer, left by a job that outlived it
    DELETE FROM withdrawn_review_marks WHERE review_item_id IN (SELECT id FROM review_items WHERE exam_id = p_exam);
    DELETE FROM marker_rechecks WHERE review_item_id IN (SELECT id FROM review_items WHERE exam_id = p_exam);
    DELETE FROM review_marks WHERE review_item_id IN (SELECT id FROM review_items WHERE exam_id = p_exam);
    DELETE FROM review_items WHERE exam_id = p_exam;
    DELETE FROM score_overrides WHERE job_id IN (SELECT id FROM grading_jobs WHERE exam_id = p_exam);
    DELETE FROM results WHERE job_id IN (SELECT id FROM grading_jobs WHERE exam_id = p_exam);
    DELETE FROM grading_tasks WHERE job_id IN (SELECT id FROM grading_jobs WHERE exam_id = p_exam);
    DELETE FROM llm_audit WHERE job_id IN (SELECT id FROM grading_jobs WHERE exam_id = p_exam);
    DELETE FROM teacher_marks WHERE exam_id = p_exam;
    DELETE FROM grading_batches WHERE job_id IN (SELECT id FROM grading_jobs WHERE exam_id = p_exam);
    DELETE FROM job_rubrics WHERE job_id IN (SELECT id FROM grading_jobs WHERE exam_id = p_exam);
    DELETE FROM grading_jobs WHERE exam_id = p_exam;
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('jobs', n);
    DELETE FROM exam_markers WHERE exam_id = p_exam;
    DELETE FROM exam_releases WHERE exam_id = p_exam;
    DELETE FROM answer_group_members WHERE group_id IN
        (SELECT g.id FROM answer_groups g JOIN questions q ON q.id = g.question_id WHERE q.exam_id = p_exam);
    DELETE FROM answer_groups WHERE question_id IN (SELECT id FROM questions WHERE exam_id = p_exam);
    UPDATE questions SET current_rubric_id = NULL WHERE exam_id = p_exam;
    DELETE FROM scoring_points WHERE rubric_id IN
        (SELECT r.id FROM rubrics r JOIN questions q ON q.id = r.question_id WHERE q.exam_id = p_exam);
    DELETE FROM rubrics WHERE question_id IN (SELECT id FROM questions WHERE exam_id = p_exam);
    DELETE FROM questions WHERE exam_id = p_exam;
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('questions', n);
    DELETE FROM exams WHERE tenant_id = p_tenant AND id = p_exam;
    GET DIAGNOSTICS n = ROW_COUNT; removed := removed || jsonb_build_object('exams', n);
    RETURN removed;
END $$;
