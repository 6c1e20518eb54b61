-- A review mark a compensation took back stays on record: who marked what, and which saga withdrew
-- it. Its marker saw the item resolved, so a later mark of theirs on it is never a blind check.
CREATE TABLE withdrawn_review_marks (
    saga_id         uuid          PRIMARY KEY,
    review_item_id  uuid          NOT NULL REFERENCES review_items (id),
    marker_id       text          NOT NULL,
    chief           boolean       NOT NULL,
    score           numeric(10,2) NOT NULL,
    reason          text,
    started_at      timestamptz,
    points          jsonb,
    marked_at       timestamptz   NOT NULL,
    withdrawn_at    timestamptz   NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX withdrawn_review_marks_item ON withdrawn_review_marks (review_item_id, marker_id);
