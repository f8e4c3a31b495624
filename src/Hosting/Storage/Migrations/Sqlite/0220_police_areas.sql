-- GridGov: police areas (警务网格), one row per area (its snapshot as JSON and its bounding box), and the comprehensive
-- grids each is linked to; the case read model names the police area a case is co-assigned to.
CREATE TABLE IF NOT EXISTS gridgov_police_areas (
    district  TEXT NOT NULL,
    code      TEXT NOT NULL,
    min_lon   REAL NULL,
    min_lat   REAL NULL,
    max_lon   REAL NULL,
    max_lat   REAL NULL,
    version   INTEGER NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0,
    snapshot  TEXT NOT NULL,
    PRIMARY KEY (district, code)
);

CREATE TABLE IF NOT EXISTS gridgov_police_area_grids (
    district   TEXT NOT NULL,
    grid_code  TEXT NOT NULL,
    area_code  TEXT NOT NULL,
    PRIMARY KEY (district, grid_code, area_code)
);

CREATE INDEX IF NOT EXISTS ix_gridgov_police_area_grids_area ON gridgov_police_area_grids (district, area_code);

ALTER TABLE gridgov_cases ADD COLUMN police_area TEXT NULL;
CREATE INDEX IF NOT EXISTS ix_gridgov_cases_police_area ON gridgov_cases (district, police_area) WHERE police_area IS NOT NULL;
