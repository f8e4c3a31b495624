-- GridGov: personal-data reads in the audit log. data_subject names whose data was read (household:{id},
-- case:{id}, member:{id}) and purpose is the caller's X-Purpose header (both NULL on change lines); staff_id is
-- the staff member behind the caller's key, when it names one.
-- (Each migration runs once, recorded in the journal, so the plain ADD COLUMN is safe.)
ALTER TABLE gridgov_audit_log ADD COLUMN data_subject text NULL;
ALTER TABLE gridgov_audit_log ADD COLUMN purpose text NULL;
ALTER TABLE gridgov_audit_log ADD COLUMN staff_id text NULL;
CREATE INDEX IF NOT EXISTS ix_gridgov_audit_log_data_subject ON gridgov_audit_log (data_subject, id) WHERE data_subject IS NOT NULL;
