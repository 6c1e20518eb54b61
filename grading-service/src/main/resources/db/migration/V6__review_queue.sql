-- The review queue (DESIGN.md "Marking"): every answer a job left NEEDS_REVIEW becomes one item
-- that people mark; its marks are kept with who, when and what.

-- the score step and tolerance a job's review items are marked against, frozen with the rest
ALTER TABLE job_rubrics
    ADD COLUMN score_step numeric(10,2),
    ADD COLUMN tolerance  numeric(10,2);
UPDATE job_rubrics jr SET score_step = q.score_step, tolerance = q.tolerance FROM questions q WHERE q.id = jr.question_id;
ALTER TABLE job_rubrics ALTER COLUMN score_step SET NOT NULL;

CREATE TABLE review_items (
    id              uuid          PRIMARY KEY,
    tenant_id       text          NOT NULL,
    exam_id         uuid          NOT NULL,
    job_id          uuid          NOT NULL,
    submission_id   uuid          NOT NULL,
    question_id     uuid          NOT NULL,
    question_number int           NOT NULL,
    -- SECOND_MARK (waiting for its next mark), THIRD_MARK, ARBITRATION, RESOLVED
    state           text          NOT NULL CHECK (state IN ('SECOND_MARK', 'THIRD_MARK', 'ARBITRATION', 'RESOLVED')),
    double_marking  boolean       NOT NULL,
    tolerance       numeric(10,2),
    max_score       numeric(10,2) NOT NULL,
    score_step      numeric(10,2) NOT NULL,
    final_score     numeric(10,2),
    created_at      timestamptz   NOT NULL DEFAULT now(),
    resolved_at     timestamptz,
    UNIQUE (job_id, submission_id),
    CHECK ((state = 'RESOLVED') = (final_score IS NOT NULL)),
    CHECK (NOT double_marking OR tolerance IS NOT NULL)
);
-- a queue: an exam's items oldest first (filtered by question and state as it is read)
CREATE INDEX review_items_exam ON review_items (tenant_id, exam_id, created_at, id);

-- answers that went to people before the queue existed join it now
INSERT INTO review_items (id, tenant_id, exam_id, job_id, submission_id, question_id, question_number, state,
                          double_marking, tolerance, max_score, score_step, created_at)
SELECT gen_random_uuid(), r.tenant_id, j.exam_id, r.job_id, r.submission_id, r.question_id, r.question_number,
       'SECOND_MARK', jr.double_marking AND jr.tolerance IS NOT NULL, jr.tolerance, jr.max_score, jr.score_step,
       r.finished_at
FROM results r
JOIN grading_jobs j ON j.id = r.job_id
JOIN job_rubrics jr ON jr.job_id = r.job_id AND jr.question_id = r.question_id
WHERE r.review_status = 'NEEDS_REVIEW'
ON CONFLICT DO NOTHING;

-- a person's mark on an item (a grader's proposal is the item's result row)
CREATE TABLE review_marks (
    review_item_id  uuid          NOT NULL REFERENCES review_items (id),
    marker_id       text          NOT NULL,
    chief           boolean       NOT NULL,
    score           numeric(10,2) NOT NULL,
    reason          text,
    created_at      timestamptz   NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (review_item_id, marker_id)
);
