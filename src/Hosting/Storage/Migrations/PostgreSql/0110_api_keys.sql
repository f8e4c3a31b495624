-- GridGov: API keys. Only a SHA-256 hash of each key's secret is stored; the key itself is shown once, at creation.
CREATE TABLE IF NOT EXISTS gridgov_api_keys (
    id            text PRIMARY KEY,
    name          text NOT NULL,
    role          text NOT NULL,
    scope         text NOT NULL,
    secret_hash   text NOT NULL,
    created_at    timestamptz NOT NULL,
    created_by    text NOT NULL,
    staff_id      text NULL,
    expires_at    timestamptz NULL,
    revoked_at    timestamptz NULL,
    last_used_at  timestamptz NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_api_keys_scope ON gridgov_api_keys (scope, created_at);
