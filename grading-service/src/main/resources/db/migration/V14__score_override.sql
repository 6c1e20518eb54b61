-- The score-override saga's grading-service side.

-- The participant's fence per saga (shared-streams SagaParticipant): a command older than the highest
-- fencing token seen does nothing.
CREATE TABLE saga_fences (
    saga_id     uuid        PRIMARY KEY,
    token       bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every override of a final score after its job completed, with what it replaced: the history a
-- compensation restores from (and marks undone), and what people read back.
CREATE TABLE score_overrides (
    id                 bigserial     PRIMARY KEY,
    saga_id            uuid          NOT NULL UNIQUE,
    tenant_id          text          NOT NULL,
    job_id             uuid          NOT NULL,
    submission_id      uuid          NOT NULL,
    old_score          numeric(10,2) NOT NULL,
    old_source         text          NOT NULL,
    old_review_status  text          NOT NULL,
    new_score          numeric(10,2) NOT NULL,
    reason             text          NOT NULL,
    overridden_by      text          NOT NULL,
    at                 timestamptz   NOT NULL DEFAULT now(),
    undone_at          timestamptz,
    FOREIGN KEY (job_id, submission_id) REFERENCES results (job_id, submission_id)
);
CREATE INDEX score_overrides_result ON score_overrides (job_id, submission_id, id);
