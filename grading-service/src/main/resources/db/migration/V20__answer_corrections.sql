-- Corrections (README "Data lifecycle"): a submission's answer replaced before it is marked. The
-- answer it replaced is kept here with who replaced it, when and why; nothing is overwritten unseen.
ALTER TABLE submissions ADD COLUMN version int NOT NULL DEFAULT 1;
CREATE TABLE submission_versions (
    submission_id  uuid        NOT NULL REFERENCES submissions (id),
    version        int         NOT NULL,
    tenant_id      text        NOT NULL,
    answer         text        NOT NULL,
    replaced_at    timestamptz NOT NULL DEFAULT now(),
    replaced_by    text        NOT NULL,
    reason         text,
    PRIMARY KEY (submission_id, version)
);
