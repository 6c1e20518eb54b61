-- The test participants (in the test application itself): their fences and what they wrote.
CREATE TABLE saga_fences (
    saga_id     uuid        PRIMARY KEY,
    token       bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE test_writes (
    id       bigserial PRIMARY KEY,
    saga_id  uuid      NOT NULL,
    step     text      NOT NULL,
    action   text      NOT NULL
);
