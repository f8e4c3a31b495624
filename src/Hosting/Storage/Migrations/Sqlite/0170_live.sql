-- GridGov: live feeds and webhooks (docs/live.md).

-- Named positions in the case-event log: how far retention has deleted it ('pruned-through', so a feed resuming
-- from an older position knows events are gone) and how far the webhook router has read it ('webhook-router').
CREATE TABLE IF NOT EXISTS gridgov_live_marks (
    name   text PRIMARY KEY,
    value  INTEGER NOT NULL
);

INSERT INTO gridgov_live_marks (name, value) VALUES ('pruned-through', 0), ('webhook-router', 0) ON CONFLICT (name) DO NOTHING;

-- Webhook subscriptions: what an app wants (event types, a territory and everything below it) and where. The signing
-- secret is stored sealed (AES-GCM under a key derived from the cluster secret), never in plain text.
CREATE TABLE IF NOT EXISTS gridgov_webhooks (
    id              text PRIMARY KEY,
    district        text NOT NULL,
    territory       text NOT NULL,
    url             text NOT NULL,
    events          text NOT NULL,
    description     text NULL,
    secret          text NOT NULL,
    owner           text NOT NULL,
    owner_role      text NOT NULL,
    created_at      TEXT NOT NULL,
    after_position  INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_gridgov_webhooks_district ON gridgov_webhooks (district, id);

-- One row per (webhook, event): pending until delivered, or dead after the last attempt. Deliverers claim due rows
-- with a lease (lease_token names the claim, so a late finisher cannot overwrite a newer claim).
CREATE TABLE IF NOT EXISTS gridgov_webhook_deliveries (
    id               text PRIMARY KEY,
    webhook_id       text NOT NULL,
    position         INTEGER NOT NULL,
    event_type       text NOT NULL,
    payload          text NOT NULL,
    status           text NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    lease_until      TEXT NULL,
    lease_token      text NULL,
    last_status      integer NULL,
    last_error       text NULL,
    created_at       TEXT NOT NULL,
    finished_at      TEXT NULL,
    CONSTRAINT uq_gridgov_webhook_deliveries_event UNIQUE (webhook_id, position)
);

CREATE INDEX IF NOT EXISTS ix_gridgov_webhook_deliveries_due ON gridgov_webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS ix_gridgov_webhook_deliveries_status ON gridgov_webhook_deliveries (webhook_id, status, position);
CREATE INDEX IF NOT EXISTS ix_gridgov_webhook_deliveries_finished ON gridgov_webhook_deliveries (finished_at) WHERE status <> 'pending';
