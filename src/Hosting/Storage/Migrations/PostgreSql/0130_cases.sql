-- GridGov: the case read model, one row per case, for lists and search. Grains stay the source of truth; rows are
-- written in batches by the grids' views and only ever replaced by a newer version.
CREATE TABLE IF NOT EXISTS gridgov_cases (
    id           text PRIMARY KEY,
    district     text NOT NULL,
    grid_code    text NOT NULL,
    state        text NOT NULL,
    category     text NOT NULL,
    source       text NOT NULL,
    reported_at  timestamptz NOT NULL,
    deadline     timestamptz NULL,
    overdue      boolean NOT NULL,
    assignee     text NULL,
    version      bigint NOT NULL,
    snapshot     text NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_cases_district_reported ON gridgov_cases (district, reported_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS ix_gridgov_cases_grid_reported ON gridgov_cases (grid_code, reported_at DESC, id DESC);
