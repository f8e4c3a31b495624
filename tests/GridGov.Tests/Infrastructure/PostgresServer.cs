using GridGov.Hosting.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridGov.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server ./test.sh starts for the test run (connection string in GRIDGOV_TEST_POSTGRES).
/// Every caller gets its own, freshly created database, so tests can run in parallel.
/// </summary>
public static class PostgresServer
{
    /// <summary>The environment variable ./test.sh sets to the admin connection string of its PostgreSQL server.</summary>
    public const string EnvironmentVariable = "GRIDGOV_TEST_POSTGRES";

    /// <summary>The admin connection string (to the server's maintenance database).</summary>
    public static string AdminConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException(
                    $"{EnvironmentVariable} is not set: run ./test.sh, which starts PostgreSQL and sets it for the tests.");
            }

            return value;
        }
    }

    /// <summary>Creates an empty database <c>gridgov_t_&lt;guid&gt;</c>; disposing the result drops it.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync()
    {
        var admin = AdminConnectionString;
        var name = "gridgov_t_" + Guid.NewGuid().ToString("N");
        await ExecuteAdminAsync(admin, $"CREATE DATABASE \"{name}\"");

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(name, builder.ConnectionString, admin);
    }

    internal static async Task ExecuteAdminAsync(string adminConnectionString, string sql)
    {
        // CREATE/DROP DATABASE can briefly fail while another session copies the template; retry a little.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(adminConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(sql, connection);
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt));
            }
        }
    }
}

/// <summary>A throwaway PostgreSQL database; dropped (with any remaining sessions) on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _adminConnectionString;
    private int _disposed;

    internal TestDatabase(string name, string connectionString, string adminConnectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        _adminConnectionString = adminConnectionString;
    }

    /// <summary>The database's name (gridgov_t_…).</summary>
    public string Name { get; }

    /// <summary>An Npgsql connection string for this database.</summary>
    public string ConnectionString { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        await PostgresServer.ExecuteAdminAsync(_adminConnectionString, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }
}

/// <summary>Throwaway SQLite database files in their own temp folders.</summary>
public static class SqliteFiles
{
    /// <summary>
    /// A path for a not-yet-existing database file in a fresh, existing folder, with GridGov's SQLite connection
    /// string for it. Opening a connection creates the (empty) database; <see cref="SchemaMigrator.MigrateAsync"/>
    /// creates the schema.
    /// </summary>
    public static TempSqliteFile Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "gridgov-tests", "sqlite-" + Guid.NewGuid().ToString("N"));
        var filePath = Path.Combine(folder, "data", "gridgov.db");
        Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
        return new TempSqliteFile(folder, filePath);
    }
}

/// <summary>A SQLite database file (plus its -wal/-shm files) deleted, with its folder, on dispose.</summary>
public sealed class TempSqliteFile : IDisposable, IAsyncDisposable
{
    private readonly string _folder;
    private int _disposed;

    internal TempSqliteFile(string folder, string filePath)
    {
        _folder = folder;
        FilePath = filePath;
        ConnectionString = SchemaMigrator.SqliteConnectionString(filePath);
    }

    /// <summary>The database file's path.</summary>
    public string FilePath { get; }

    /// <summary>The folder holding everything of this file (deleted on dispose); put other throwaway files here.</summary>
    public string Folder => _folder;

    /// <summary>GridGov's SQLite connection string for <see cref="FilePath"/>.</summary>
    public string ConnectionString { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using (var connection = new SqliteConnection(ConnectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        try
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // A connection outside the pool may still hold the file; the OS temp folder is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
