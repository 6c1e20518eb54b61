-- Grading schema: exams, questions, versioned rubrics, submissions, jobs, tasks, results, final scores.
-- Every row carries tenant_id; every query filters by it.

CREATE TABLE exams (
    id          uuid PRIMARY KEY,
    tenant_id   text        NOT NULL,
    title       text        NOT NULL,
    subject     text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX exams_tenant_created ON exams (tenant_id, created_at);

CREATE TABLE questions (
    id                 uuid PRIMARY KEY,
    tenant_id          text          NOT NULL,
    exam_id            uuid          NOT NULL REFERENCES exams (id),
    number             int           NOT NULL CHECK (number > 0),
    prompt             text          NOT NULL,
    max_score          numeric(10,2) NOT NULL CHECK (max_score > 0),
    score_step         numeric(10,2) NOT NULL CHECK (score_step > 0),
    current_rubric_id  uuid,
    created_at         timestamptz   NOT NULL DEFAULT now(),
    UNIQUE (exam_id, number)
);

-- A rubric version is immutable: editing inserts version n+1.
CREATE TABLE rubrics (
    id              uuid PRIMARY KEY,
    tenant_id       text        NOT NULL,
    question_id     uuid        NOT NULL REFERENCES questions (id),
    version         int         NOT NULL,
    content         jsonb       NOT NULL,
    content_hash    char(64)    NOT NULL,
    structure_hash  char(64)    NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (question_id, version)
);
ALTER TABLE questions ADD CONSTRAINT questions_current_rubric_fk
    FOREIGN KEY (current_rubric_id) REFERENCES rubrics (id);

CREATE TABLE scoring_points (
    rubric_id    uuid          NOT NULL REFERENCES rubrics (id),
    position     int           NOT NULL,
    point_id     text          NOT NULL,
    description  text,
    points       numeric(10,2) NOT NULL,
    match        jsonb         NOT NULL,
    PRIMARY KEY (rubric_id, position),
    UNIQUE (rubric_id, point_id)
);

CREATE TABLE submissions (
    id               uuid PRIMARY KEY,
    tenant_id        text        NOT NULL,
    exam_id          uuid        NOT NULL REFERENCES exams (id),
    question_id      uuid        NOT NULL REFERENCES questions (id),
    student_id       text        NOT NULL,
    question_number  int         NOT NULL,
    answer           text        NOT NULL,
    status           text        NOT NULL DEFAULT 'RECEIVED',
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (exam_id, student_id, question_number)
);
CREATE INDEX submissions_exam_student ON submissions (exam_id, student_id);

CREATE TABLE grading_jobs (
    id            uuid PRIMARY KEY,
    tenant_id     text        NOT NULL,
    exam_id       uuid        NOT NULL REFERENCES exams (id),
    state         text        NOT NULL,
    total         int         NOT NULL DEFAULT 0,
    graded        int         NOT NULL DEFAULT 0,
    failed        int         NOT NULL DEFAULT 0,
    cancelled     int         NOT NULL DEFAULT 0,
    batch_size    int         NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    analyzed_at   timestamptz,
    split_at      timestamptz,
    started_at    timestamptz,
    executing_at  timestamptz,
    completed_at  timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (graded + failed + cancelled <= total)
);
CREATE INDEX grading_jobs_exam ON grading_jobs (tenant_id, exam_id);
CREATE INDEX grading_jobs_active ON grading_jobs (state, updated_at)
    WHERE state IN ('ANALYZED', 'SPLIT_COMPLETE', 'EXECUTING');

-- Rubric versions frozen for a job when it is analysed.
CREATE TABLE job_rubrics (
    job_id       uuid NOT NULL REFERENCES grading_jobs (id),
    question_id  uuid NOT NULL REFERENCES questions (id),
    rubric_id    uuid NOT NULL REFERENCES rubrics (id),
    PRIMARY KEY (job_id, question_id)
);

CREATE TABLE grading_tasks (
    job_id         uuid        NOT NULL REFERENCES grading_jobs (id),
    submission_id  uuid        NOT NULL REFERENCES submissions (id),
    tenant_id      text        NOT NULL,
    batch_no       int         NOT NULL,
    status         text        NOT NULL DEFAULT 'PENDING',
    published_at   timestamptz,
    finished_at    timestamptz,
    PRIMARY KEY (job_id, submission_id)
);
CREATE INDEX grading_tasks_job_batch ON grading_tasks (job_id, batch_no);
CREATE INDEX grading_tasks_job_status ON grading_tasks (job_id, status);

CREATE TABLE results (
    job_id           uuid          NOT NULL,
    submission_id    uuid          NOT NULL,
    tenant_id        text          NOT NULL,
    question_id      uuid          NOT NULL,
    rubric_id        uuid          NOT NULL REFERENCES rubrics (id),
    student_id       text          NOT NULL,
    question_number  int           NOT NULL,
    score            numeric(10,2) NOT NULL,
    max_score        numeric(10,2) NOT NULL,
    confidence       numeric(3,2)  NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    grader_id        text          NOT NULL,
    points           jsonb         NOT NULL,
    created_at       timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, submission_id),
    FOREIGN KEY (job_id, submission_id) REFERENCES grading_tasks (job_id, submission_id)
);
CREATE INDEX results_job_question ON results (job_id, question_number);
-- the default results order (student, then submission) reads straight off this index
CREATE INDEX results_job_student ON results (job_id, student_id, submission_id);

-- The one final score per submission and job (grader output now, reviewer overrides later).
CREATE TABLE final_scores (
    job_id         uuid          NOT NULL,
    submission_id  uuid          NOT NULL,
    tenant_id      text          NOT NULL,
    score          numeric(10,2) NOT NULL,
    source         text          NOT NULL,
    updated_at     timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (job_id, submission_id),
    FOREIGN KEY (job_id, submission_id) REFERENCES results (job_id, submission_id)
);
