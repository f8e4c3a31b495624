-- GridGov: cases moved out of a grid by a re-gridding (retirement). The old grid keeps counting what the case had
-- counted there, and the new grid counts only what happens after the move (docs/territory.md), so each side reads the
-- moved snapshot back when its view starts again. One row per move (the moved event's version).
CREATE TABLE IF NOT EXISTS gridgov_case_departures (
    case_id    text NOT NULL,
    version    bigint NOT NULL,
    district   text NOT NULL,
    from_grid  text NOT NULL,
    to_grid    text NOT NULL,
    snapshot   text NOT NULL,
    PRIMARY KEY (case_id, version)
);

CREATE INDEX IF NOT EXISTS ix_gridgov_case_departures_from ON gridgov_case_departures (district, from_grid);
CREATE INDEX IF NOT EXISTS ix_gridgov_case_departures_to ON gridgov_case_departures (district, to_grid);
