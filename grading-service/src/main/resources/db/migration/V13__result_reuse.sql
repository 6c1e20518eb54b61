-- Result reuse (cache-service): identical answers under one question version are marked once.

-- The rubric's point ids and match rules, not their values: equal between two versions of a question, a
-- result of the older one is re-scored with the newer values instead of being graded again. Versions made
-- before this migration have none (never re-scored from).
ALTER TABLE rubrics ADD COLUMN match_hash char(64);

-- A job may be marked without reuse (every answer graded on its own, nothing written to the cache).
ALTER TABLE grading_jobs ADD COLUMN reuse_results boolean NOT NULL DEFAULT true;

-- How a result came to be when it was not graded afresh: 'batch' (an identical answer of the same batch was
-- graded), 'local' / 'redis' / 'postgres' (the cache layer that had it), 'rescored' (an older rubric version's
-- point decisions with the new values); null: graded. reuse_version / reuse_key: the cache address the result
-- was read from or written to, so a review mark can invalidate exactly it.
ALTER TABLE results ADD COLUMN reused text,
                    ADD COLUMN reuse_version text,
                    ADD COLUMN reuse_key text;

-- Every ai-mode batch reads its versions' mark stamps (count and latest): by version, not by scanning.
CREATE INDEX teacher_marks_rubric ON teacher_marks (rubric_id, created_at);
