-- Released results (DESIGN.md "Public API"): once a teacher releases an exam its students see their final scores;
-- before, they see nothing. One row per exam, written once: releasing again changes nothing.
CREATE TABLE exam_releases (
    exam_id      uuid        PRIMARY KEY REFERENCES exams (id),
    tenant_id    text        NOT NULL,
    released_at  timestamptz NOT NULL DEFAULT now(),
    -- the gateway's subject of the teacher who released it; null for a direct call without one
    released_by  text
);
-- a student's results read the tenant's released exams in release order
CREATE INDEX exam_releases_tenant ON exam_releases (tenant_id, released_at, exam_id);
