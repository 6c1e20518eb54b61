-- Marking (DESIGN.md "Marking"): how a question's answers are marked, and what became of each.

-- A question is marked by the rule-based grader alone ('rule') or with people in the loop ('ai').
ALTER TABLE questions
    ADD COLUMN reference_answer text,
    ADD COLUMN marking_mode     text         NOT NULL DEFAULT 'rule' CHECK (marking_mode IN ('rule', 'ai')),
    ADD COLUMN auto_accept      boolean      NOT NULL DEFAULT true,
    ADD COLUMN min_confidence   numeric(4,3) NOT NULL DEFAULT 0.9,
    ADD COLUMN audit_rate       numeric(4,3) NOT NULL DEFAULT 0.05,
    ADD COLUMN double_marking   boolean      NOT NULL DEFAULT false,
    ADD COLUMN tolerance        numeric(10,2);

-- Frozen for a job with the rubric version when it is analysed, so a change during a job does not
-- mark half of its answers one way and half the other; read with every task of a batch.
ALTER TABLE job_rubrics
    ADD COLUMN marking_mode   text          NOT NULL DEFAULT 'rule',
    ADD COLUMN auto_accept    boolean       NOT NULL DEFAULT true,
    ADD COLUMN min_confidence numeric(4,3)  NOT NULL DEFAULT 0.9,
    ADD COLUMN double_marking boolean       NOT NULL DEFAULT false,
    ADD COLUMN rubric_points  int           NOT NULL DEFAULT 1,
    ADD COLUMN max_score      numeric(10,2);
UPDATE job_rubrics jr SET max_score = q.max_score FROM questions q WHERE q.id = jr.question_id;
ALTER TABLE job_rubrics ALTER COLUMN max_score SET NOT NULL;

-- A graded answer's review status: final (HUMAN, AUTO_ACCEPTED: final_score set) or waiting for
-- people (NEEDS_REVIEW: final_score null; score, confidence and points are the proposal, null
-- when no grader could propose). Everything graded before was final by the grader.
ALTER TABLE results ADD COLUMN review_status text;
UPDATE results SET review_status = 'AUTO_ACCEPTED' WHERE status = 'DONE';
ALTER TABLE results DROP CONSTRAINT results_outcome;
ALTER TABLE results ADD CONSTRAINT results_outcome CHECK (
    status IN ('DONE', 'FAILED', 'CANCELLED')
    AND (status <> 'DONE' OR (
        review_status IN ('HUMAN', 'AUTO_ACCEPTED', 'NEEDS_REVIEW')
        AND student_id IS NOT NULL AND question_number IS NOT NULL AND max_score IS NOT NULL
        AND (review_status = 'NEEDS_REVIEW') = (final_score IS NULL)
        AND (final_score IS NULL OR final_source IS NOT NULL)
        AND (score IS NULL) = (confidence IS NULL) AND (score IS NULL) = (points IS NULL))));

-- Answers waiting for people count apart from graded ones (graded = has a final score).
ALTER TABLE grading_jobs ADD COLUMN pending_review int NOT NULL DEFAULT 0;
ALTER TABLE grading_jobs DROP CONSTRAINT IF EXISTS grading_jobs_check;
ALTER TABLE grading_jobs ADD CONSTRAINT grading_jobs_counters
    CHECK (graded + failed + cancelled + pending_review <= total);
