-- GridGov: the kind of system an app key belongs to (residentApp, hotline12345, camera, police), which decides the
-- one source of cases it may report (honest sources, docs/security.md). NULL for staff keys, and for app keys made
-- before kinds existed, which are read as residents' apps.
-- (Each migration runs once, recorded in the journal, so the plain ADD COLUMN is safe.)
ALTER TABLE gridgov_api_keys ADD COLUMN app_kind text NULL;
