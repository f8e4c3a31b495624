-- Orleans grain state on PostgreSQL, for Microsoft.Orleans.Persistence.AdoNet (AddAdoNetGrainStorage).
--
-- Contract (from the provider's C#):
--  * A grain is identified by @ServiceId, @GrainTypeString and its id split into @GrainIdN0/@GrainIdN1 (the numeric
--    or Guid part) plus @GrainIdExtensionString (the string key or key extension, NULL when there is none).
--    @GrainIdHash and @GrainTypeHash are 32-bit hashes the provider computes from those; they only narrow lookups.
--  * The ETag is the integer version (@GrainStateVersion, NULL when the grain believes no row exists).
--  * WriteToStorageKey returns one column NewGrainStateVersion: the new version when it wrote, NULL when the ETag
--    did not match (or a first write lost the race). The provider treats a missing or NULL version, or one equal to
--    the ETag it sent, as a conflict and throws InconsistentStateException.
--  * ReadFromStorageKey returns PayloadBinary and Version (no row when nothing was ever written). A cleared state
--    keeps its row with a NULL payload, so the version keeps counting and stale writers are still refused.
--  * ClearStorageKey returns the new version in its first column; DeleteStorageKey (DeleteStateOnClear) returns
--    the deleted version + 1. Both return NULL on an ETag conflict.

CREATE TABLE IF NOT EXISTS orleans_storage
(
    grain_id_hash      integer     NOT NULL,
    grain_type_hash    integer     NOT NULL,
    service_id         text        NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_type         text        NOT NULL,
    -- '' when the grain id has no string part (Orleans never produces an empty string key extension).
    grain_id_extension text        NOT NULL,
    payload            bytea       NULL,
    version            integer     NOT NULL,
    modified_at        timestamptz NOT NULL
);

-- One row per grain: this is what makes concurrent first writes of the same grain conflict. The long text columns
-- are indexed through md5 so that long type names or keys cannot exceed the btree entry size.
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleans_storage_grain ON orleans_storage
    (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, md5(grain_type), md5(grain_id_extension));

-- Update when the caller holds the current version; insert version 1 when the caller expects no row (the unique
-- index turns a concurrent or stale first write into a no-op). Exactly one row comes back, NULL when nothing was
-- written.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', $sql$
WITH updated AS (
    UPDATE orleans_storage
    SET payload = @PayloadBinary, version = version + 1, modified_at = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
    RETURNING version
), inserted AS (
    INSERT INTO orleans_storage
        (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_extension, payload, version, modified_at)
    SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainIdN0, @GrainIdN1, @GrainTypeString,
           coalesce(@GrainIdExtensionString, ''), @PayloadBinary, 1, now()
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT coalesce((SELECT version FROM updated), (SELECT version FROM inserted)) AS "NewGrainStateVersion";
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', $sql$
SELECT payload AS "PayloadBinary",
       version AS "Version"
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_type = @GrainTypeString AND grain_id_extension = coalesce(@GrainIdExtensionString, '');
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- ClearStateAsync: drop the payload, keep the row and bump the version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', $sql$
WITH cleared AS (
    UPDATE orleans_storage
    SET payload = NULL, version = version + 1, modified_at = now()
    WHERE version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion";
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- ClearStateAsync with DeleteStateOnClear: remove the row; the provider expects the deleted version + 1.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', $sql$
WITH deleted AS (
    DELETE FROM orleans_storage
    WHERE version = @GrainStateVersion
      AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_type = @GrainTypeString AND grain_id_extension = coalesce(@GrainIdExtensionString, '')
    RETURNING version
)
SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion";
$sql$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
