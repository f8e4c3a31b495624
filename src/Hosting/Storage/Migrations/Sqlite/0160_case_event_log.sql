-- GridGov: the case-event log behind live feeds (server-sent events) and webhooks. The grids' views append the events
-- they apply, in the same transaction as the read-model rows, so a position that a reader saw is never rewritten.
CREATE TABLE IF NOT EXISTS gridgov_case_events (
    position   INTEGER PRIMARY KEY AUTOINCREMENT,
    district   text NOT NULL,
    grid_code  text NOT NULL,
    case_id    text NOT NULL,
    version    INTEGER NOT NULL,
    type       text NOT NULL,
    at         TEXT NOT NULL,
    payload    text NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_case_events_district ON gridgov_case_events (district, position);
CREATE INDEX IF NOT EXISTS ix_gridgov_case_events_at ON gridgov_case_events (at);

-- Per-handler indicators and recounts read the cases of one district by assignee.
CREATE INDEX IF NOT EXISTS ix_gridgov_cases_district_assignee ON gridgov_cases (district, assignee);
