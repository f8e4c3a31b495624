using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridGov.Tests.Storage;

/// <summary>The embedded migrations and <see cref="SchemaMigrator"/> itself.</summary>
public sealed class SchemaMigratorTests
{
    private static readonly string[] PersistenceKeys = ["WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey"];

    private static readonly string[] ReminderKeys =
    [
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private static readonly string[] ClusteringKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey",
    ];

    [Fact]
    public void Migrations_are_embedded_in_order_for_both_kinds()
    {
        foreach (var kind in new[] { DatabaseKind.PostgreSql, DatabaseKind.Sqlite })
        {
            var ids = SchemaMigrator.LoadMigrations(kind).Select(m => m.Id).ToArray();
            Assert.Equal("0001_orleans_query", ids[0]);
            Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
            Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        }

        Assert.Contains("0002_clustering", SchemaMigrator.LoadMigrations(DatabaseKind.PostgreSql).Select(m => m.Id));
        Assert.Equal("Npgsql", StorageInvariants.For(DatabaseKind.PostgreSql));
        Assert.Equal("System.Data.SQLite", StorageInvariants.For(DatabaseKind.Sqlite));
    }

    [Fact]
    public async Task Postgres_migration_is_idempotent_and_installs_every_provider_query()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var expected = SchemaMigrator.LoadMigrations(DatabaseKind.PostgreSql).Count;

        Assert.Equal(expected, await SchemaMigrator.MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString));
        Assert.Equal(0, await SchemaMigrator.MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString));

        var keys = await QueryKeysAsync(DatabaseKind.PostgreSql, database.ConnectionString);
        Assert.Superset(new HashSet<string>([.. ClusteringKeys, .. PersistenceKeys, .. ReminderKeys]), keys);
        Assert.Equal(expected, await CountJournalAsync(DatabaseKind.PostgreSql, database.ConnectionString));
    }

    [Fact]
    public async Task Postgres_migrations_started_concurrently_both_succeed_and_apply_each_migration_once()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        var expected = SchemaMigrator.LoadMigrations(DatabaseKind.PostgreSql).Count;

        var results = await Task.WhenAll(
            Task.Run(() => SchemaMigrator.MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString)),
            Task.Run(() => SchemaMigrator.MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString)),
            Task.Run(() => SchemaMigrator.MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString)));

        Assert.Equal(expected, results.Sum());
        Assert.Equal(expected, await CountJournalAsync(DatabaseKind.PostgreSql, database.ConnectionString));
        Assert.Equal(0, await SchemaMigrator.MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString));
    }

    [Fact]
    public async Task Sqlite_migration_creates_the_folder_uses_wal_and_is_idempotent()
    {
        using var file = SqliteFiles.Create();
        var path = Path.Combine(file.Folder, "not", "yet", "there", "gridgov.db");
        var connectionString = SchemaMigrator.SqliteConnectionString(path);
        var expected = SchemaMigrator.LoadMigrations(DatabaseKind.Sqlite).Count;

        Assert.Equal(expected, await SchemaMigrator.MigrateAsync(DatabaseKind.Sqlite, connectionString));
        Assert.True(File.Exists(path));
        Assert.Equal(0, await SchemaMigrator.MigrateAsync(DatabaseKind.Sqlite, connectionString));

        await using (var connection = new SqliteConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode";
            Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
        }

        var keys = await QueryKeysAsync(DatabaseKind.Sqlite, connectionString);
        Assert.Superset(new HashSet<string>([.. PersistenceKeys, .. ReminderKeys]), keys);
        Assert.Equal(expected, await CountJournalAsync(DatabaseKind.Sqlite, connectionString));

        using (var connection = new SqliteConnection(connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }
    }

    [Fact]
    public async Task Sqlite_migrations_started_concurrently_both_succeed_and_apply_each_migration_once()
    {
        using var file = SqliteFiles.Create();
        var expected = SchemaMigrator.LoadMigrations(DatabaseKind.Sqlite).Count;

        var results = await Task.WhenAll(
            Task.Run(() => SchemaMigrator.MigrateAsync(DatabaseKind.Sqlite, file.ConnectionString)),
            Task.Run(() => SchemaMigrator.MigrateAsync(DatabaseKind.Sqlite, file.ConnectionString)));

        Assert.Equal(expected, results.Sum());
        Assert.Equal(expected, await CountJournalAsync(DatabaseKind.Sqlite, file.ConnectionString));
    }

    [Fact]
    public void Sqlite_connection_string_is_pooled_and_waits_when_busy()
    {
        var builder = new SqliteConnectionStringBuilder(SchemaMigrator.SqliteConnectionString("/tmp/x/gridgov.db"));
        Assert.Equal("/tmp/x/gridgov.db", builder.DataSource);
        Assert.True(builder.Pooling);
        Assert.Equal(30, builder.DefaultTimeout);
    }

    [Fact]
    public async Task CanConnect_reports_reachable_and_unreachable_databases()
    {
        await using var database = await PostgresServer.CreateDatabaseAsync();
        Assert.True(await SchemaMigrator.CanConnectAsync(DatabaseKind.PostgreSql, database.ConnectionString));

        var wrongDatabase = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = database.Name + "_missing" };
        Assert.False(await SchemaMigrator.CanConnectAsync(DatabaseKind.PostgreSql, wrongDatabase.ConnectionString));

        var closedPort = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = Fresh.Port(), Timeout = 3 };
        Assert.False(await SchemaMigrator.CanConnectAsync(DatabaseKind.PostgreSql, closedPort.ConnectionString));

        using var file = SqliteFiles.Create();
        Assert.False(await SchemaMigrator.CanConnectAsync(DatabaseKind.Sqlite, file.ConnectionString));
        Assert.False(File.Exists(file.FilePath)); // the probe does not create the database
        await SchemaMigrator.MigrateAsync(DatabaseKind.Sqlite, file.ConnectionString);
        Assert.True(await SchemaMigrator.CanConnectAsync(DatabaseKind.Sqlite, file.ConnectionString));
    }

    private static async Task<HashSet<string>> QueryKeysAsync(DatabaseKind kind, string connectionString)
    {
        await using var connection = SchemaMigrator.CreateConnection(kind, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT QueryKey FROM OrleansQuery";
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static async Task<long> CountJournalAsync(DatabaseKind kind, string connectionString)
    {
        await using var connection = SchemaMigrator.CreateConnection(kind, connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM gridgov_schema_migrations";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
