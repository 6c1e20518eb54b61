-- The saga log: one row per saga (where it stands, what it carries) and one per command attempt.

CREATE TABLE saga_instances (
    id                  uuid        PRIMARY KEY,
    tenant_id           text        NOT NULL,
    definition          text        NOT NULL,
    definition_version  int         NOT NULL,
    -- the caller's key: starting the same saga twice answers the first one
    request_key         text        NOT NULL,
    -- RUNNING, COMPENSATING, COMPLETED, COMPENSATED, PARKED (waits for an operator), RESOLVED (by an operator)
    state               text        NOT NULL,
    data                jsonb       NOT NULL,
    -- each completed step's result, by step name
    results             jsonb       NOT NULL DEFAULT '{}',
    -- the command in flight or next: its step, kind (FORWARD, COMPENSATE, CLEANUP), attempt and fencing token
    step                int         NOT NULL,
    kind                text        NOT NULL,
    attempt             int         NOT NULL,
    token               bigint      NOT NULL,
    -- whether that command was sent and its reply is awaited (else it is sent at due_at: a retry's backoff)
    awaiting            boolean     NOT NULL,
    -- when the coordinator looks again: the awaited command's timeout, or the end of a backoff
    due_at              timestamptz,
    -- how many steps completed forward, in order (compensation starts below it)
    completed           int         NOT NULL DEFAULT 0,
    cancel_requested    boolean     NOT NULL DEFAULT false,
    -- an operator skipped a compensation: the saga can end RESOLVED, never COMPENSATED
    skipped             boolean     NOT NULL DEFAULT false,
    started_by          text        NOT NULL,
    error               text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    ended_at            timestamptz,
    UNIQUE (tenant_id, definition, request_key)
);
CREATE INDEX saga_instances_due ON saga_instances (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX saga_instances_list ON saga_instances (tenant_id, created_at DESC, id DESC);

CREATE TABLE saga_steps (
    id           bigserial   PRIMARY KEY,
    saga_id      uuid        NOT NULL REFERENCES saga_instances (id) ON DELETE CASCADE,
    step         int         NOT NULL,
    name         text        NOT NULL,
    participant  text        NOT NULL,
    kind         text        NOT NULL,
    attempt      int         NOT NULL,
    token        bigint      NOT NULL,
    command      jsonb       NOT NULL,
    -- DONE, FAILED, STALE, TIMED_OUT; null while awaited
    outcome      text,
    error        text,
    result       jsonb,
    -- a reply that came after the coordinator had moved on (a timeout): kept, never acted on
    late         boolean     NOT NULL DEFAULT false,
    sent_at      timestamptz NOT NULL DEFAULT now(),
    replied_at   timestamptz,
    duration_ms  bigint,
    UNIQUE (saga_id, step, kind, attempt)
);

-- What operators did to a parked saga, with who and why.
CREATE TABLE saga_actions (
    id        bigserial   PRIMARY KEY,
    saga_id   uuid        NOT NULL REFERENCES saga_instances (id) ON DELETE CASCADE,
    action    text        NOT NULL,
    step      int         NOT NULL,
    reason    text        NOT NULL,
    actor     text        NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saga_actions_saga ON saga_actions (saga_id, id);
