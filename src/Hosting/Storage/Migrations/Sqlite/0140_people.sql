-- GridGov: households and residents as rows, for a grid's household list, care-tag lists and identity lookups.
-- The household grains are the source of truth and rewrite their rows after every change.
CREATE TABLE IF NOT EXISTS gridgov_households (
    id           text PRIMARY KEY,
    district     text NOT NULL,
    grid_code    text NOT NULL,
    micro_grid   text NULL,
    care_tags    text NOT NULL,
    version      INTEGER NOT NULL,
    snapshot     text NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_households_grid ON gridgov_households (grid_code, id);

CREATE TABLE IF NOT EXISTS gridgov_residents (
    id              text PRIMARY KEY,
    household_id    text NOT NULL,
    district        text NOT NULL,
    id_number_hash  text NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_residents_id_number ON gridgov_residents (district, id_number_hash);
CREATE INDEX IF NOT EXISTS ix_gridgov_residents_household ON gridgov_residents (household_id);
