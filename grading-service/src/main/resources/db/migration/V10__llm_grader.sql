-- The LLM grader (DESIGN.md "Marking"): a token budget per job, fixed when the job is created, and
-- the tokens its calls spent so far (prompt tokens in, completion tokens out).
ALTER TABLE grading_jobs
    ADD COLUMN llm_token_budget bigint NOT NULL DEFAULT 0,
    ADD COLUMN llm_tokens_in    bigint NOT NULL DEFAULT 0,
    ADD COLUMN llm_tokens_out   bigint NOT NULL DEFAULT 0;

-- Every prompt sent to an LLM and every response, kept for audit until the retention period ends.
-- The prompt is exactly what was sent (it never names a student); submission_id links the record
-- to the answer inside this service, for an audit and a later erasure.
CREATE TABLE llm_audit (
    id             uuid        PRIMARY KEY,
    tenant_id      text        NOT NULL,
    job_id         uuid,
    submission_id  uuid,
    purpose        text        NOT NULL CHECK (purpose IN ('grade', 'explain')),
    provider       text        NOT NULL,
    model          text        NOT NULL,
    prompt         jsonb       NOT NULL,
    response       text,
    outcome        text        NOT NULL,
    tokens_in      int         NOT NULL DEFAULT 0,
    tokens_out     int         NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX llm_audit_by_time ON llm_audit (created_at);
CREATE INDEX llm_audit_by_job ON llm_audit (job_id) WHERE job_id IS NOT NULL;
CREATE INDEX llm_audit_by_submission ON llm_audit (submission_id) WHERE submission_id IS NOT NULL;
