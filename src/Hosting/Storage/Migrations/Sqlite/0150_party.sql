-- GridGov: Party organizations and members as rows, for a Party-building grid's organizations and members.
CREATE TABLE IF NOT EXISTS gridgov_party_organizations (
    id             text PRIMARY KEY,
    district       text NOT NULL,
    party_grid_id  text NULL,
    grid_code      text NULL,
    version        INTEGER NOT NULL,
    snapshot       text NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_party_organizations_party_grid ON gridgov_party_organizations (party_grid_id, id);

CREATE TABLE IF NOT EXISTS gridgov_party_members (
    id               text PRIMARY KEY,
    district         text NOT NULL,
    organization_id  text NOT NULL,
    version          INTEGER NOT NULL,
    snapshot         text NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_party_members_organization ON gridgov_party_members (organization_id, id);
