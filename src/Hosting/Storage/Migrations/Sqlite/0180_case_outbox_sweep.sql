-- GridGov: the cases written lately, for the outbox sweep (CaseOutboxSweeper), which looks for case rows whose
-- latest version has not reached the read model. Only case rows are indexed.
CREATE INDEX IF NOT EXISTS ix_orleans_storage_case_modified ON orleans_storage (modified_at) WHERE grain_type = 'case';
