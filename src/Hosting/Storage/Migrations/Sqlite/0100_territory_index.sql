-- GridGov: the rows behind each district's spatial index (one per territory node).
CREATE TABLE IF NOT EXISTS gridgov_territory_index (
    code      TEXT PRIMARY KEY,
    district  TEXT NOT NULL,
    name      TEXT NOT NULL,
    boundary  TEXT NULL,
    min_lon   REAL NULL,
    min_lat   REAL NULL,
    max_lon   REAL NULL,
    max_lat   REAL NULL,
    version   INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_territory_index_district ON gridgov_territory_index (district);
