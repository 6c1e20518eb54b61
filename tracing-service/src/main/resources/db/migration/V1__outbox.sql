-- shared-streams: the transactional outbox of the events tracing-service publishes (SLOW_SPAN),
-- relayed in id order, and the processed keys of idempotent consumers.
CREATE TABLE outbox (
    id           bigserial   PRIMARY KEY,
    stream       text        NOT NULL,
    tenant_id    text        NOT NULL,
    envelope_id  uuid        NOT NULL,
    type         text        NOT NULL,
    version      int         NOT NULL,
    key          text        NOT NULL,
    traceparent  text,
    occurred_at  timestamptz NOT NULL,
    payload      text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    sent_at      timestamptz,
    stream_id    text
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_sent_at ON outbox (sent_at) WHERE sent_at IS NOT NULL;

CREATE TABLE processed_keys (
    consumer      text        NOT NULL,
    key           text        NOT NULL,
    tenant_id     text        NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, key)
);
