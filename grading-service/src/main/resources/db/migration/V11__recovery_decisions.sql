-- The latest decision taken when part of a running job was taken up again after a crash or a
-- resume (resumed from a checkpoint, or restarted and why), shown in the job's status.
ALTER TABLE grading_jobs ADD COLUMN recovery jsonb;
