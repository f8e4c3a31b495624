-- GridGov: enterprises as rows (docs/resources.md, "Enterprises"), for the lists of a grid or a community. The
-- enterprise grains are the source of truth and rewrite their row after every change.
CREATE TABLE IF NOT EXISTS gridgov_enterprises (
    id           text PRIMARY KEY,
    district     text NOT NULL,
    grid_code    text NOT NULL,
    version      bigint NOT NULL,
    snapshot     text NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_enterprises_grid ON gridgov_enterprises (grid_code, id);

-- The enterprise a case concerns, for the enterprise's list of cases. Cases written before name none.
ALTER TABLE gridgov_cases ADD COLUMN IF NOT EXISTS enterprise_id text NULL;
CREATE INDEX IF NOT EXISTS ix_gridgov_cases_enterprise ON gridgov_cases (enterprise_id, reported_at, id)
    WHERE enterprise_id IS NOT NULL;
