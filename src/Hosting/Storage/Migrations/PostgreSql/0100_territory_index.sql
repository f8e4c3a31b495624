-- GridGov: the rows behind each district's spatial index (one per territory node).
CREATE TABLE IF NOT EXISTS gridgov_territory_index (
    code      text PRIMARY KEY,
    district  text NOT NULL,
    name      text NOT NULL,
    boundary  text NULL,
    min_lon   double precision NULL,
    min_lat   double precision NULL,
    max_lon   double precision NULL,
    max_lat   double precision NULL,
    version   bigint NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_territory_index_district ON gridgov_territory_index (district);
