-- The read model of grading jobs, fed by zhiyue:events: each job as grading-service's API showed it
-- after its latest write this service has seen (a JOB_STATE_CHANGED carries the whole job, a
-- GRADING_PROGRESS its counters), and that write's version. A change only ever moves a job to a
-- newer version, so events that arrive late or twice change nothing. (Numbered apart from the
-- cache's own migrations.)
CREATE TABLE job_states (
    job_id      uuid        PRIMARY KEY,
    tenant_id   text        NOT NULL,
    job         jsonb       NOT NULL,
    version     bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
