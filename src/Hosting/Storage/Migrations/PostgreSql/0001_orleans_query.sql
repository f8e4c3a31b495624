-- Orleans' ADO.NET providers (clustering, persistence, reminders) do not embed their SQL: at start-up they
-- read it from this table with `SELECT QueryKey, QueryText FROM OrleansQuery` and run it with named
-- parameters (@Name). Identifiers are left unquoted on purpose so they fold to lower case and match the
-- providers' unquoted query. Later migrations upsert their rows, so re-running them is harmless.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);
