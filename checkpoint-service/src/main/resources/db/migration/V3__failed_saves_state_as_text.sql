-- A state that could not be saved is kept as the text it arrived as: jsonb refuses some of what a
-- bytea payload holds (an escaped NUL), and the operator's copy must never be the next failure.
ALTER TABLE failed_saves ALTER COLUMN state TYPE text;
