-- Per-job state lives on per-job rows only: a submission's status was shared by every job of its
-- exam (two jobs on one exam overwrote each other's), and the job's tasks already say it all.
ALTER TABLE submissions DROP COLUMN status;

-- The publish -> commit percentiles of a finished job, computed once at completion.
ALTER TABLE grading_jobs ADD COLUMN publish_commit_p50_ms numeric(12,1);
ALTER TABLE grading_jobs ADD COLUMN publish_commit_p99_ms numeric(12,1);

-- The stream entry each task batch was last published as, so recovery republishes only batches
-- whose entry was lost or trimmed, not those still waiting their turn.
CREATE TABLE grading_batches (
    job_id        uuid        NOT NULL REFERENCES grading_jobs (id),
    batch_no      int         NOT NULL,
    stream_id     text        NOT NULL,
    published_at  timestamptz NOT NULL,
    PRIMARY KEY (job_id, batch_no)
);
