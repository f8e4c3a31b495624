-- GridGov: the points ledgers' entries as rows, for leaderboards (docs/party.md, "Points"). Each member's ledger grain
-- is the source of truth and writes its new entries here after its own state write; entries never change.
CREATE TABLE IF NOT EXISTS gridgov_point_entries (
    member_id        text NOT NULL,
    seq              integer NOT NULL,
    district         text NOT NULL,
    rule_code        text NOT NULL,
    rule_version     integer NOT NULL,
    points           integer NOT NULL,
    source           text NOT NULL,
    day              integer NOT NULL,
    granted_at       text NOT NULL,
    organization_id  text NULL,
    branch_id        text NULL,
    party_grid_id    text NULL,
    grid_code        text NULL,
    PRIMARY KEY (member_id, seq)
);

CREATE INDEX IF NOT EXISTS ix_gridgov_point_entries_grid ON gridgov_point_entries (grid_code, day);
CREATE INDEX IF NOT EXISTS ix_gridgov_point_entries_party_grid ON gridgov_point_entries (party_grid_id, day);
CREATE INDEX IF NOT EXISTS ix_gridgov_point_entries_branch ON gridgov_point_entries (branch_id, day);
