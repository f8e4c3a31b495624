-- GridGov: what stays of a deleted household, Party organization or Party member: who deleted it and when, its last
-- version and its trail (a household's or member's history, an organization's last fields), never a resident's
-- personal data. One row per deletion (a re-created entry can be deleted again). Append-only: triggers refuse every
-- UPDATE and DELETE.
CREATE TABLE IF NOT EXISTS gridgov_people_archive (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity_id    text NOT NULL,
    kind         text NOT NULL,
    district     text NOT NULL,
    deleted_at   timestamptz NOT NULL,
    deleted_by   text NOT NULL,
    version      bigint NOT NULL,
    record       text NOT NULL,
    UNIQUE (entity_id, deleted_at)
);

CREATE INDEX IF NOT EXISTS ix_gridgov_people_archive_district ON gridgov_people_archive (district, id);

CREATE OR REPLACE FUNCTION gridgov_people_archive_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'gridgov_people_archive is append-only';
END;
$$;

DROP TRIGGER IF EXISTS gridgov_people_archive_no_change ON gridgov_people_archive;
CREATE TRIGGER gridgov_people_archive_no_change BEFORE UPDATE OR DELETE ON gridgov_people_archive
    FOR EACH ROW EXECUTE FUNCTION gridgov_people_archive_append_only();
