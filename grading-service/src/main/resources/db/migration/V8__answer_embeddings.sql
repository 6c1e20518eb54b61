-- The exemplar grader's embeddings: each distinct normalised answer is embedded once per model and
-- kept, so a later job, a new teacher mark or an answer-group listing never embeds it again.
CREATE TABLE answer_embeddings (
    model      text        NOT NULL,
    -- sha-256 of the normalised answer text (TextNormalizer), so a key is 32 bytes whatever the answer
    text_hash  bytea       NOT NULL,
    -- the unit vector as float32 little-endian
    vector     bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model, text_hash)
);
