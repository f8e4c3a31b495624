-- GridGov: what stays of a deleted household, Party organization or Party member: who deleted it and when, its last
-- version and its trail (a household's or member's history, an organization's last fields), never a resident's
-- personal data. One row per deletion (a re-created entry can be deleted again). Append-only: triggers refuse every
-- UPDATE and DELETE.
CREATE TABLE IF NOT EXISTS gridgov_people_archive (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    entity_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    district     TEXT NOT NULL,
    deleted_at   TEXT NOT NULL,
    deleted_by   TEXT NOT NULL,
    version      INTEGER NOT NULL,
    record       TEXT NOT NULL,
    UNIQUE (entity_id, deleted_at)
);

CREATE INDEX IF NOT EXISTS ix_gridgov_people_archive_district ON gridgov_people_archive (district, id);

CREATE TRIGGER IF NOT EXISTS gridgov_people_archive_no_update BEFORE UPDATE ON gridgov_people_archive
BEGIN
    SELECT RAISE(ABORT, 'gridgov_people_archive is append-only');
END;

CREATE TRIGGER IF NOT EXISTS gridgov_people_archive_no_delete BEFORE DELETE ON gridgov_people_archive
BEGIN
    SELECT RAISE(ABORT, 'gridgov_people_archive is append-only');
END;
