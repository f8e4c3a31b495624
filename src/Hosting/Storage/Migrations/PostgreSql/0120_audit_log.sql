-- GridGov: the audit log. Append-only: a trigger refuses every UPDATE and DELETE.
CREATE TABLE IF NOT EXISTS gridgov_audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL,
    subject     text NOT NULL,
    role        text NOT NULL,
    scope       text NOT NULL,
    district    text NULL,
    action      text NOT NULL,
    entity      text NULL,
    status      integer NOT NULL,
    remote_ip   text NULL,
    trace_id    text NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_audit_log_district ON gridgov_audit_log (district, id);

CREATE OR REPLACE FUNCTION gridgov_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'gridgov_audit_log is append-only';
END;
$$;

DROP TRIGGER IF EXISTS gridgov_audit_log_no_change ON gridgov_audit_log;
CREATE TRIGGER gridgov_audit_log_no_change BEFORE UPDATE OR DELETE ON gridgov_audit_log
    FOR EACH ROW EXECUTE FUNCTION gridgov_audit_log_append_only();
