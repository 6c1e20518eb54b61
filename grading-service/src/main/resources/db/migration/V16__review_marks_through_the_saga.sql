-- A review-queue mark on a COMPLETED job changes a published result: the score-override saga applies it.
-- Its history row keeps what the mark changed so a compensation can take the mark back: the item's state
-- and final score before it, whether the job counted the answer graded, the teacher mark it kept. An
-- answer waiting for review had no final score (and no source) before the mark.
ALTER TABLE score_overrides
    ALTER COLUMN old_score DROP NOT NULL,
    ALTER COLUMN old_source DROP NOT NULL,
    ADD COLUMN review_item_id   uuid,
    ADD COLUMN review_marker_id text,
    ADD COLUMN review_old_state text,
    ADD COLUMN review_old_final numeric(10,2),
    ADD COLUMN counted          boolean NOT NULL DEFAULT false,
    ADD COLUMN teacher_mark_id  uuid;
