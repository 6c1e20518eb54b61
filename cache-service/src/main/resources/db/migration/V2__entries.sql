-- The cache's source of truth. An entry is addressed by region (what kind of value: "results"), tenant, scope
-- (keys invalidated together: a question version) and key; its value is a JSON object. Every change takes a new
-- number from one sequence, so versions grow across all keys: a deletion takes one too, and an invalidation that
-- carries it outranks every value written before it (Redis and the in-process layers keep only newer ones).
CREATE SEQUENCE entry_version;

CREATE TABLE entries (
    region      text        NOT NULL,
    tenant_id   text        NOT NULL,
    scope       text        NOT NULL,
    key         text        NOT NULL,
    value       jsonb       NOT NULL,
    version     bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region, tenant_id, scope, key)
);
-- warm-up reads the newest entries of a region first
CREATE INDEX entries_recent ON entries (region, updated_at DESC, version DESC);

-- Changes a Redis has not been told about: written with the change while Redis is unreachable, or right after a
-- Redis write failed. Any instance that reaches that Redis replays them (tombstone or scope floor, and an
-- invalidation message), then deletes them; so a crash during an outage cannot leave a stale value in Redis.
CREATE TABLE redis_backlog (
    id          bigserial   PRIMARY KEY,
    redis       text        NOT NULL, -- which Redis missed it (its address): only instances using it replay it
    region      text        NOT NULL,
    tenant_id   text        NOT NULL,
    scope       text        NOT NULL,
    key         text,                 -- null: the whole scope
    version     bigint      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX redis_backlog_by_redis ON redis_backlog (redis, id);
