-- One row per task outcome, written once.
--
-- Grading a batch used to UPDATE every task (its status was indexed, so never a HOT update),
-- INSERT into results (three indexes, two foreign-key checks that each lock a referenced row)
-- and INSERT into final_scores (one more foreign-key check). Now a task row is written once, when
-- the job is split, and never again; its outcome (DONE, FAILED or CANCELLED) is one INSERT into
-- results, whose primary key is the exactly-once guard, with the final score on the same row.
-- A task is pending while it has no outcome row.

ALTER TABLE results DROP CONSTRAINT results_job_id_submission_id_fkey;
ALTER TABLE results DROP CONSTRAINT results_rubric_id_fkey;
ALTER TABLE results RENAME COLUMN created_at TO finished_at;
ALTER TABLE results
    ADD COLUMN status       text NOT NULL DEFAULT 'DONE',
    ADD COLUMN final_score  numeric(10,2),
    ADD COLUMN final_source text,
    ADD COLUMN published_at timestamptz,
    ALTER COLUMN question_id DROP NOT NULL,
    ALTER COLUMN rubric_id DROP NOT NULL,
    ALTER COLUMN student_id DROP NOT NULL,
    ALTER COLUMN question_number DROP NOT NULL,
    ALTER COLUMN score DROP NOT NULL,
    ALTER COLUMN max_score DROP NOT NULL,
    ALTER COLUMN confidence DROP NOT NULL,
    ALTER COLUMN grader_id DROP NOT NULL,
    ALTER COLUMN points DROP NOT NULL;
ALTER TABLE results ALTER COLUMN status DROP DEFAULT;

-- what the first releases kept elsewhere moves onto the outcome row, in one pass (every result had
-- its task; a graded result without a final score, which they never left, keeps the grader's)
UPDATE results r SET final_score = coalesce(f.score, r.score), final_source = coalesce(f.source, 'GRADER'),
                     published_at = t.published_at, finished_at = coalesce(t.finished_at, r.finished_at)
FROM grading_tasks t LEFT JOIN final_scores f ON f.job_id = t.job_id AND f.submission_id = t.submission_id
WHERE t.job_id = r.job_id AND t.submission_id = r.submission_id;
INSERT INTO results (job_id, submission_id, tenant_id, status, published_at, finished_at)
SELECT job_id, submission_id, tenant_id, status, published_at, coalesce(finished_at, now())
FROM grading_tasks WHERE status IN ('FAILED', 'CANCELLED')
ON CONFLICT DO NOTHING;

ALTER TABLE results ADD CONSTRAINT results_outcome CHECK (
    status IN ('DONE', 'FAILED', 'CANCELLED')
    AND (status <> 'DONE' OR (score IS NOT NULL AND final_score IS NOT NULL AND final_source IS NOT NULL
                              AND max_score IS NOT NULL AND confidence IS NOT NULL AND points IS NOT NULL
                              AND student_id IS NOT NULL AND question_number IS NOT NULL)));

DROP TABLE final_scores;
-- lists and exports read graded outcomes by student; by question they filter that order
DROP INDEX results_job_question;
DROP INDEX results_job_student;
CREATE INDEX results_job_student ON results (job_id, student_id, submission_id) WHERE status = 'DONE';

-- The task row is now written once; its outcome lives in results. Its foreign keys went too: each
-- check locked the job row and the submission row (a write on every submission page) for every
-- task the split inserted, and tasks are only ever inserted from those very rows.
ALTER TABLE grading_tasks DROP COLUMN status, DROP COLUMN published_at, DROP COLUMN finished_at;
ALTER TABLE grading_tasks DROP CONSTRAINT grading_tasks_job_id_fkey,
                          DROP CONSTRAINT grading_tasks_submission_id_fkey;
-- A batch is read by (job_id, batch_no). With job_id leading the primary key too, a planner whose
-- statistics predate the job (one row per job, it believes) read a whole job through the key
-- for every batch; keyed the other way round, only the batch index serves a job's lookups.
ALTER TABLE grading_tasks DROP CONSTRAINT grading_tasks_pkey, ADD PRIMARY KEY (submission_id, job_id);

-- The job row takes one counter update per batch: with updated_at in an index none of them can be
-- HOT. Recovery's sweep finds the jobs that may stall through an index on the id alone (a counter
-- update changes neither the id nor the state, so it stays HOT).
DROP INDEX grading_jobs_active;
CREATE INDEX grading_jobs_active ON grading_jobs (id) WHERE state IN ('ANALYZED', 'SPLIT_COMPLETE', 'EXECUTING');

-- the tables changed shape; plans for the next statements should not start from the old figures
ANALYZE grading_tasks, results;
