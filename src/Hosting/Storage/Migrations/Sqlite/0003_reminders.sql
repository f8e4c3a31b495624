-- Orleans reminders on SQLite, for Microsoft.Orleans.Reminders.AdoNet (UseAdoNetReminderService).
--
-- Contract (from the provider's C#):
--  * Rows are read by name: GrainId, ReminderName, StartTime, Period (milliseconds, read as Int64) and Version
--    (the reminder's ETag, an integer). StartTime is stored as the text Microsoft.Data.Sqlite writes for a DateTime.
--  * @GrainHash / @BeginHash / @EndHash are the grain's uniform hash cast from uint to a signed int. A range is
--    (BeginHash, EndHash]; the provider uses ReadRangeRows1Key when (int)begin < (int)end and ReadRangeRows2Key
--    (the wrapped-around range) otherwise.
--  * UpsertReminderRowKey returns the new Version; DeleteReminderRowKey deletes only when @Version still matches
--    and returns a single boolean column.

CREATE TABLE IF NOT EXISTS orleans_reminders
(
    service_id    TEXT    NOT NULL,
    grain_id      TEXT    NOT NULL,
    reminder_name TEXT    NOT NULL,
    grain_hash    INTEGER NOT NULL,
    start_time    TEXT    NOT NULL,
    period_ms     INTEGER NOT NULL,
    version       INTEGER NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS ix_orleans_reminders_hash ON orleans_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('UpsertReminderRowKey', '
INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, grain_hash, start_time, period_ms, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @GrainHash, @StartTime, @Period, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET grain_hash = excluded.grain_hash,
    start_time = excluded.start_time,
    period_ms  = excluded.period_ms,
    version    = orleans_reminders.version + 1
RETURNING version AS Version;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowsKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadReminderRowKey', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows1Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadRangeRows2Key', '
SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime,
       period_ms AS Period, version AS Version
FROM orleans_reminders
WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- The DELETE yields no result set; the SELECT reports whether it removed the row.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowKey', '
DELETE FROM orleans_reminders
WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version;
SELECT changes() > 0 AS Deleted;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteReminderRowsKey', '
DELETE FROM orleans_reminders WHERE service_id = @ServiceId;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
