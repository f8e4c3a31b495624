-- Orleans grain state on SQLite, for Microsoft.Orleans.Persistence.AdoNet (AddAdoNetGrainStorage).
--
-- Contract (from the provider's C#):
--  * A grain is identified by @ServiceId, @GrainTypeString and its id split into @GrainIdN0/@GrainIdN1 (the numeric
--    or Guid part) plus @GrainIdExtensionString (the string key or key extension, NULL when there is none).
--    @GrainIdHash and @GrainTypeHash are 32-bit hashes the provider computes from those; they only narrow lookups.
--  * The ETag is the integer version (@GrainStateVersion, NULL when the grain believes no row exists).
--  * WriteToStorageKey returns one column NewGrainStateVersion: the new version when it wrote, and no row when the
--    ETag did not match (or a first write lost the race). The provider treats a missing or NULL version, or one equal
--    to the ETag it sent, as a conflict and throws InconsistentStateException.
--  * ReadFromStorageKey returns PayloadBinary and Version (no row when nothing was ever written). A cleared state
--    keeps its row with a NULL payload, so the version keeps counting and stale writers are still refused.
--  * ClearStorageKey returns the new version in its first column; DeleteStorageKey (DeleteStateOnClear) returns
--    the deleted version + 1. Both return no row on an ETag conflict.
--
-- SQLite runs one writer at a time, and each query below is a single statement (an UPSERT, an UPDATE or a DELETE
-- with RETURNING), so the check of the version and the change are atomic. SQL text inside the query rows doubles
-- its single quotes.

CREATE TABLE IF NOT EXISTS orleans_storage
(
    grain_id_hash      INTEGER NOT NULL,
    grain_type_hash    INTEGER NOT NULL,
    service_id         TEXT    NOT NULL,
    grain_id_n0        INTEGER NOT NULL,
    grain_id_n1        INTEGER NOT NULL,
    grain_type         TEXT    NOT NULL,
    -- '' when the grain id has no string part (Orleans never produces an empty string key extension).
    grain_id_extension TEXT    NOT NULL,
    payload            BLOB    NULL,
    version            INTEGER NOT NULL,
    modified_at        TEXT    NOT NULL
);

-- One row per grain: this is what makes concurrent first writes of the same grain conflict.
CREATE UNIQUE INDEX IF NOT EXISTS ux_orleans_storage_grain ON orleans_storage
    (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_extension);

-- With a NULL ETag: insert version 1, or nothing when the row exists. With an ETag: the insert collides with the
-- existing row and the DO UPDATE applies only when the stored version still equals it (no row: nothing happens).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
INSERT INTO orleans_storage
    (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_extension, payload, version, modified_at)
SELECT @GrainIdHash, @GrainTypeHash, @ServiceId, @GrainIdN0, @GrainIdN1, @GrainTypeString,
       coalesce(@GrainIdExtensionString, ''''), @PayloadBinary, 1, CURRENT_TIMESTAMP
WHERE @GrainStateVersion IS NULL
   OR EXISTS (
       SELECT 1 FROM orleans_storage
       WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
         AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
         AND grain_type = @GrainTypeString AND grain_id_extension = coalesce(@GrainIdExtensionString, ''''))
ON CONFLICT (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_extension)
DO UPDATE SET payload = excluded.payload, version = orleans_storage.version + 1, modified_at = excluded.modified_at
    WHERE @GrainStateVersion IS NOT NULL AND orleans_storage.version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT payload AS PayloadBinary,
       version AS Version
FROM orleans_storage
WHERE grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_type = @GrainTypeString AND grain_id_extension = coalesce(@GrainIdExtensionString, '''');
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- ClearStateAsync: drop the payload, keep the row and bump the version.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE orleans_storage
SET payload = NULL, version = version + 1, modified_at = CURRENT_TIMESTAMP
WHERE version = @GrainStateVersion
  AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_type = @GrainTypeString AND grain_id_extension = coalesce(@GrainIdExtensionString, '''')
RETURNING version AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- ClearStateAsync with DeleteStateOnClear: remove the row; the provider expects the deleted version + 1.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM orleans_storage
WHERE version = @GrainStateVersion
  AND grain_id_hash = @GrainIdHash AND grain_type_hash = @GrainTypeHash AND service_id = @ServiceId
  AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
  AND grain_type = @GrainTypeString AND grain_id_extension = coalesce(@GrainIdExtensionString, '''')
RETURNING version + 1 AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
