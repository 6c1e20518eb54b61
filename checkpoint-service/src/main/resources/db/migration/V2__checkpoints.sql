-- checkpoint-service: durable checkpoints of long marking runs (threads = grading jobs).

-- A checkpoint: a thread's (job's) state in one namespace at one moment. Ids are the callers'
-- (UUIDv7 advised: they sort by time; the service makes v7 ids for forks); parent_id links a checkpoint to the one it followed (a fork's parent is the
-- historic checkpoint it branched from). A snapshot holds the whole state; a delta holds an RFC
-- 6902 JSON Patch from its parent's state and names the snapshot its chain starts from
-- (base_checkpoint_id), at most snapshot-every deltas away (delta_depth), so a read applies a
-- bounded chain. state_sha256 is the hash of the full state the row stands for; a read checks it.
CREATE TABLE checkpoints (
    id                  uuid        PRIMARY KEY,
    -- the order checkpoints were stored in: latest and lists go by it, whatever ids callers chose
    seq                 bigint      GENERATED ALWAYS AS IDENTITY,
    tenant_id           text        NOT NULL,
    thread_id           uuid        NOT NULL,
    namespace           text        NOT NULL,
    parent_id           uuid,
    metadata            jsonb       NOT NULL DEFAULT '{}',
    is_delta            boolean     NOT NULL,
    base_checkpoint_id  uuid,
    delta_depth         int         NOT NULL DEFAULT 0,
    payload             bytea       NOT NULL,
    is_compressed       boolean     NOT NULL,
    data_size_bytes     int         NOT NULL,   -- the payload as stored
    payload_raw_bytes   int         NOT NULL,   -- the payload before compression (checked when inflating)
    state_size_bytes    int         NOT NULL,
    state_sha256        text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT delta_has_base CHECK (is_delta = (base_checkpoint_id IS NOT NULL))
);
-- latest / list newest first per thread and namespace, by keyset on seq
CREATE INDEX checkpoints_by_thread ON checkpoints (tenant_id, thread_id, namespace, seq DESC);
-- metadata filters (filter[metadata.key]=value) as containment
CREATE INDEX checkpoints_metadata ON checkpoints USING gin (metadata jsonb_path_ops);
-- the age sweep finds threads by their newest checkpoint
CREATE INDEX checkpoints_by_time ON checkpoints (created_at);

-- Saves that failed three times: kept for an operator, with the state that could not be stored.
CREATE TABLE failed_saves (
    id              uuid        PRIMARY KEY,
    tenant_id       text        NOT NULL,
    thread_id       uuid        NOT NULL,
    namespace       text        NOT NULL,
    checkpoint_id   uuid        NOT NULL,
    state           jsonb,
    attempts        int         NOT NULL,
    error           text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
