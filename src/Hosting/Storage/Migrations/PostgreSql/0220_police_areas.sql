-- GridGov: police areas (警务网格), one row per area (its snapshot as JSON and its bounding box), and the comprehensive
-- grids each is linked to; the case read model names the police area a case is co-assigned to.
CREATE TABLE IF NOT EXISTS gridgov_police_areas (
    district  text NOT NULL,
    code      text NOT NULL,
    min_lon   double precision NULL,
    min_lat   double precision NULL,
    max_lon   double precision NULL,
    max_lat   double precision NULL,
    version   bigint NOT NULL,
    deleted   boolean NOT NULL DEFAULT false,
    snapshot  text NOT NULL,
    PRIMARY KEY (district, code)
);

CREATE TABLE IF NOT EXISTS gridgov_police_area_grids (
    district   text NOT NULL,
    grid_code  text NOT NULL,
    area_code  text NOT NULL,
    PRIMARY KEY (district, grid_code, area_code)
);

CREATE INDEX IF NOT EXISTS ix_gridgov_police_area_grids_area ON gridgov_police_area_grids (district, area_code);

ALTER TABLE gridgov_cases ADD COLUMN IF NOT EXISTS police_area text NULL;
CREATE INDEX IF NOT EXISTS ix_gridgov_cases_police_area ON gridgov_cases (district, police_area) WHERE police_area IS NOT NULL;
