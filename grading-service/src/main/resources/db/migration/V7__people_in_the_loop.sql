-- People in the loop (DESIGN.md "Marking"): teacher marks that later jobs reuse, the audit sample of
-- auto-accepted answers, marker allocation with leases and re-marking checks (回评), answer groups.

-- A teacher's mark on a submission under one question version (the rubric version; a question's
-- reference answer does not change after it is created). Every mark is kept; the latest is final.
CREATE TABLE teacher_marks (
    id            uuid          PRIMARY KEY,
    tenant_id     text          NOT NULL,
    exam_id       uuid          NOT NULL,
    submission_id uuid          NOT NULL REFERENCES submissions (id),
    rubric_id     uuid          NOT NULL REFERENCES rubrics (id),
    score         numeric(10,2) NOT NULL,
    points        jsonb,
    marker_id     text          NOT NULL,
    comment       text,
    -- MARKS (the marks upload), ANSWER_GROUP (one mark for a group of identical answers) or REVIEW
    -- (the final score people gave in a job's review queue, job_id naming that job)
    source        text          NOT NULL CHECK (source IN ('MARKS', 'ANSWER_GROUP', 'REVIEW')),
    job_id        uuid,
    created_at    timestamptz   NOT NULL DEFAULT clock_timestamp()
);
-- a job's batch looks up the latest mark of each of its submissions under the job's version
CREATE INDEX teacher_marks_latest ON teacher_marks (submission_id, rubric_id, created_at DESC);

-- the audit sample: an AUTO_ACCEPTED answer drawn at the frozen audit rate is marked again, blind
ALTER TABLE job_rubrics ADD COLUMN audit_rate numeric(4,3) NOT NULL DEFAULT 0.05;
UPDATE job_rubrics jr SET audit_rate = q.audit_rate FROM questions q WHERE q.id = jr.question_id;
-- whether the version had teacher marks when the job froze it: only then does a batch look them up
ALTER TABLE job_rubrics ADD COLUMN teacher_marks boolean NOT NULL DEFAULT false;
ALTER TABLE review_items ADD COLUMN audit boolean NOT NULL DEFAULT false;

-- when a teacher last turned auto-accept on: the quality alert counts the checks made since
ALTER TABLE questions ADD COLUMN auto_accept_since timestamptz NOT NULL DEFAULT now();

-- an item is leased to one marker at a time; an expired lease is no lease
ALTER TABLE review_items
    ADD COLUMN leased_to        text,
    ADD COLUMN leased_at        timestamptz,
    ADD COLUMN lease_expires_at timestamptz;
-- when the marker took the item (their lease), for the speed figure; the per-point decisions a
-- marker gave with their score, kept as given (evidence of the mark)
ALTER TABLE review_marks
    ADD COLUMN started_at timestamptz,
    ADD COLUMN points     jsonb;

-- marker allocation: who marks which questions of an exam (none: every marker every question)
CREATE TABLE exam_markers (
    tenant_id       text    NOT NULL,
    exam_id         uuid    NOT NULL REFERENCES exams (id),
    marker_id       text    NOT NULL,
    question_number int     NOT NULL,
    chief           boolean NOT NULL,
    PRIMARY KEY (exam_id, marker_id, question_number)
);
-- every how many marks a marker is served one of their marked answers again, blind (回评)
ALTER TABLE exams ADD COLUMN recheck_every int NOT NULL DEFAULT 20 CHECK (recheck_every > 0);

-- 回评: an answer a marker marked, served to them again; score null until they mark it again
CREATE TABLE marker_rechecks (
    review_item_id uuid          NOT NULL REFERENCES review_items (id),
    marker_id      text          NOT NULL,
    first_score    numeric(10,2) NOT NULL,
    score          numeric(10,2),
    served_at      timestamptz   NOT NULL DEFAULT clock_timestamp(),
    marked_at      timestamptz,
    PRIMARY KEY (review_item_id, marker_id)
);

-- answer groups: a stored snapshot of identical answers (after normalisation) to one question version
CREATE TABLE answer_groups (
    id              uuid          PRIMARY KEY,
    tenant_id       text          NOT NULL,
    question_id     uuid          NOT NULL REFERENCES questions (id),
    rubric_id       uuid          NOT NULL REFERENCES rubrics (id),
    representative  text          NOT NULL,
    size            int           NOT NULL,
    proposed_score  numeric(10,2),
    created_at      timestamptz   NOT NULL DEFAULT now()
);
CREATE TABLE answer_group_members (
    group_id      uuid NOT NULL REFERENCES answer_groups (id),
    submission_id uuid NOT NULL REFERENCES submissions (id),
    PRIMARY KEY (group_id, submission_id)
);
