-- GridGov: the audit log. Append-only: triggers refuse every UPDATE and DELETE.
CREATE TABLE IF NOT EXISTS gridgov_audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TEXT NOT NULL,
    subject     TEXT NOT NULL,
    role        TEXT NOT NULL,
    scope       TEXT NOT NULL,
    district    TEXT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NULL,
    status      INTEGER NOT NULL,
    remote_ip   TEXT NULL,
    trace_id    TEXT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_audit_log_district ON gridgov_audit_log (district, id);

CREATE TRIGGER IF NOT EXISTS gridgov_audit_log_no_update BEFORE UPDATE ON gridgov_audit_log
BEGIN
    SELECT RAISE(ABORT, 'gridgov_audit_log is append-only');
END;

CREATE TRIGGER IF NOT EXISTS gridgov_audit_log_no_delete BEFORE DELETE ON gridgov_audit_log
BEGIN
    SELECT RAISE(ABORT, 'gridgov_audit_log is append-only');
END;
