-- The audit log (DESIGN.md "Data lifecycle"): every service's AUDIT_RECORDED events from zhiyue:audit,
-- each kept once (its event id). Append-only: no statement may change, delete or truncate a row.
CREATE TABLE audit_log (
    id            uuid        PRIMARY KEY,
    tenant_id     text        NOT NULL,
    at            timestamptz NOT NULL,
    service       text        NOT NULL,
    action        text        NOT NULL,
    subject_type  text        NOT NULL,
    subject_id    text        NOT NULL,
    actor         text        NOT NULL,
    before        jsonb,
    after         jsonb,
    traceparent   text,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);
-- newest first per tenant (the list's default), the filters narrow it
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at DESC, id DESC);
CREATE INDEX audit_log_tenant_subject ON audit_log (tenant_id, subject_type, subject_id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
