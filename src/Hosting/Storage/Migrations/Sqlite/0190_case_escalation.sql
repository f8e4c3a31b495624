-- Escalated cases are listed at the node they were escalated to (GET /territory/{code}/escalated): where each case is
-- handled now (its TerritoryLevel: 0 district … 4 micro-grid) and when it was last escalated.
ALTER TABLE gridgov_cases ADD COLUMN handled_at INTEGER NULL;
ALTER TABLE gridgov_cases ADD COLUMN escalated_at TEXT NULL;
-- Rows written before: the level is in their snapshot; the escalation's time was not kept, so they stay unlisted.
UPDATE gridgov_cases SET handled_at = json_extract(snapshot, '$.HandledAt') WHERE handled_at IS NULL;
CREATE INDEX IF NOT EXISTS ix_gridgov_cases_escalated ON gridgov_cases (district, handled_at, escalated_at, id)
    WHERE escalated_at IS NOT NULL;
