-- Spans as OTLP exporters sent them (platform data; the tenant is kept where a span names one).
-- Ids are lowercase hex as OTLP/JSON and the W3C traceparent write them. A span sent twice (an
-- exporter's retry) is stored once.
CREATE TABLE spans (
    trace_id        text        NOT NULL,
    span_id         text        NOT NULL,
    parent_span_id  text,
    service         text        NOT NULL,
    name            text        NOT NULL,
    kind            text        NOT NULL,
    start_time      timestamptz NOT NULL,
    end_time        timestamptz NOT NULL,
    duration_us     bigint      NOT NULL,
    status_code     text        NOT NULL,
    status_message  text,
    tenant_id       text,
    attributes      jsonb       NOT NULL,
    events          jsonb,
    links           jsonb,
    resource        jsonb,
    scope           text,
    PRIMARY KEY (trace_id, span_id)
);
-- by service and time (the trace list's service filter), by time (its window, and the retention
-- sweep); slow traces are found by their spans' times within that window
CREATE INDEX spans_service_time ON spans (service, start_time DESC);
CREATE INDEX spans_start ON spans (start_time DESC);
