-- Orleans' ADO.NET providers (persistence, reminders) read their SQL from this table at start-up
-- (`SELECT QueryKey, QueryText FROM OrleansQuery`) and run it with named parameters (@Name).
-- Later migrations upsert their rows, so re-running them is harmless.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);
