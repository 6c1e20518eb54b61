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

-- Jobs completed before this version keep the percentiles the first release showed for them
-- (it computed them on every read).
UPDATE grading_jobs j SET publish_commit_p50_ms = t.p50, publish_commit_p99_ms = t.p99
FROM (SELECT job_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
             percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
      FROM (SELECT job_id, extract(epoch FROM finished_at - published_at) * 1000 AS ms
            FROM grading_tasks WHERE status = 'DONE' AND published_at IS NOT NULL) m
      GROUP BY job_id) t
WHERE j.id = t.job_id AND j.state = 'COMPLETED';

-- Submissions list by upload time (the default sort): a keyset page starts where the index does.
CREATE INDEX submissions_exam_created ON submissions (exam_id, created_at, id);
