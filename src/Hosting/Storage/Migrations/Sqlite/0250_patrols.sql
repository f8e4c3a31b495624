-- GridGov: patrols (docs/resources.md, "Patrols and visits"). Each patrol's grain is the source of truth for its
-- figures and rewrites its row; the track lives only here, one row per uploaded batch (a chunk of at most 1,000
-- points as text), so the grain's state stays small however long the patrol walks.
CREATE TABLE IF NOT EXISTS gridgov_patrols (
    id           text PRIMARY KEY,
    district     text NOT NULL,
    worker       text NOT NULL,
    grid_code    text NOT NULL,
    day          integer NOT NULL,
    started_at   text NOT NULL,
    ended_at     text NULL,
    points       integer NOT NULL,
    distance_m   real NOT NULL,
    seconds      real NOT NULL,
    micro_grids  integer NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_patrols_grid ON gridgov_patrols (grid_code, day);
CREATE INDEX IF NOT EXISTS ix_gridgov_patrols_worker ON gridgov_patrols (district, worker, day);

CREATE TABLE IF NOT EXISTS gridgov_patrol_tracks (
    patrol_id  text NOT NULL,
    batch      integer NOT NULL,
    points     text NOT NULL,
    PRIMARY KEY (patrol_id, batch)
);

-- The micro-grids each patrol reached: the share of a grid's micro-grids visited counts them distinct over a period.
CREATE TABLE IF NOT EXISTS gridgov_patrol_micro_grids (
    patrol_id   text NOT NULL,
    micro_grid  text NOT NULL,
    grid_code   text NOT NULL,
    district    text NOT NULL,
    worker      text NOT NULL,
    day         integer NOT NULL,
    PRIMARY KEY (patrol_id, micro_grid)
);

CREATE INDEX IF NOT EXISTS ix_gridgov_patrol_micro_grids_grid ON gridgov_patrol_micro_grids (grid_code, day);
CREATE INDEX IF NOT EXISTS ix_gridgov_patrol_micro_grids_worker ON gridgov_patrol_micro_grids (district, worker, day);
