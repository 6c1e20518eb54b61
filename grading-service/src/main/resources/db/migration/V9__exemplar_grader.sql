-- The exemplar grader reads a question version's teacher marks, and checks before every batch
-- whether they changed since it last fitted them: both by version.
CREATE INDEX teacher_marks_by_version ON teacher_marks (rubric_id, created_at);
