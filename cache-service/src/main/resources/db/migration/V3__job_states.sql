-- The read model of grading jobs, fed by zhiyue:events. A JOB_STATE_CHANGED carries the whole job
-- as grading-service's API showed it after the write (the snapshot), a GRADING_PROGRESS its
-- counters; each is kept with its own version and only ever replaced by a newer one, so events
-- that arrive late, twice or out of order change nothing, and a snapshot's fields (stages,
-- timings, recovery) survive newer counters. A read merges them: the snapshot, with the counters
-- over it when they are newer. A job whose snapshot has not arrived is not served.
CREATE TABLE job_states (
    job_id            uuid        PRIMARY KEY,
    tenant_id         text        NOT NULL,
    snapshot          jsonb,
    snapshot_version  bigint      NOT NULL DEFAULT 0,
    counters          jsonb,
    counters_version  bigint      NOT NULL DEFAULT 0,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
-- after Redis comes back, the rows changed meanwhile are copied to it again
CREATE INDEX job_states_updated ON job_states (updated_at);
