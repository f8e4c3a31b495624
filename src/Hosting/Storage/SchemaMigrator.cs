using System.Data;
using System.Data.Common;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridGov.Hosting.Storage;

/// <summary>The relational databases GridGov can run on.</summary>
public enum DatabaseKind
{
    /// <summary>PostgreSQL: the clustered (production) mode.</summary>
    PostgreSql,

    /// <summary>SQLite: the embedded, single-host mode.</summary>
    Sqlite,
}

/// <summary>The ADO.NET invariant names the Orleans AdoNet providers expect for each database.</summary>
public static class StorageInvariants
{
    /// <summary>Orleans' invariant for Npgsql.</summary>
    public const string PostgreSql = "Npgsql";

    /// <summary>Orleans' invariant for SQLite (the provider loads Microsoft.Data.Sqlite's factory for it).</summary>
    public const string Sqlite = "System.Data.SQLite";

    /// <summary>The invariant for <paramref name="kind"/>.</summary>
    public static string For(DatabaseKind kind) => kind switch
    {
        DatabaseKind.PostgreSql => PostgreSql,
        DatabaseKind.Sqlite => Sqlite,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown database kind."),
    };
}

/// <summary>
/// Applies the SQL migrations embedded in this assembly (Storage/Migrations/&lt;Kind&gt;/*.sql, in file-name order),
/// each in its own transaction, and records them in <c>gridgov_schema_migrations</c>.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>The table that records which migrations were applied.</summary>
    internal const string JournalTable = "gridgov_schema_migrations";

    // Arbitrary but fixed key for pg_advisory_xact_lock: serialises migrators of one PostgreSQL database.
    private const long PostgresLockKey = 0x6772_6964_676F_76; // "gridgov"

    private const string ResourceFolder = ".Storage.Migrations.";

    /// <summary>
    /// Applies every embedded migration for <paramref name="kind"/> that is not yet recorded as applied.
    /// Idempotent, and safe to run from several processes at once. Returns how many migrations this call applied.
    /// </summary>
    public static Task<int> MigrateAsync(DatabaseKind kind, string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var migrations = LoadMigrations(kind);
        return kind switch
        {
            DatabaseKind.PostgreSql => MigratePostgresAsync(connectionString, migrations, cancellationToken),
            DatabaseKind.Sqlite => MigrateSqliteAsync(connectionString, migrations, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown database kind."),
        };
    }

    /// <summary>Opens a connection and runs <c>SELECT 1</c>. False when the database cannot be reached.</summary>
    public static async Task<bool> CanConnectAsync(DatabaseKind kind, string connectionString, CancellationToken cancellationToken = default)
    {
        try
        {
            var probeConnectionString = kind == DatabaseKind.Sqlite ? WithoutCreate(connectionString) : connectionString;
            await using var connection = CreateConnection(kind, probeConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            var result = await command.ExecuteScalarAsync(cancellationToken);
            return Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture) == 1;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or ArgumentException or TimeoutException
            or IOException or System.Net.Sockets.SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// The SQLite connection string GridGov uses for the database file at <paramref name="filePath"/>:
    /// pooled, and waiting up to 30 s for a busy database instead of failing at once.
    /// </summary>
    public static string SqliteConnectionString(string filePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        };
        return builder.ToString();
    }

    /// <summary>A new, unopened connection for <paramref name="kind"/>.</summary>
    internal static DbConnection CreateConnection(DatabaseKind kind, string connectionString) => kind switch
    {
        DatabaseKind.PostgreSql => new NpgsqlConnection(connectionString),
        DatabaseKind.Sqlite => new SqliteConnection(connectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown database kind."),
    };

    /// <summary>The embedded migrations for <paramref name="kind"/>, in the order they are applied.</summary>
    internal static IReadOnlyList<Migration> LoadMigrations(DatabaseKind kind)
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var folder = ResourceFolder + kind.ToString() + ".";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.IndexOf(folder, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var id = resource[(at + folder.Length)..^".sql".Length];
            migrations.Add(new Migration(id, ReadResource(assembly, resource)));
        }

        migrations.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
        return migrations;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Embedded migration '{resource}' could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task<int> MigratePostgresAsync(string connectionString, IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // Creating the journal concurrently can collide in the catalogs even with IF NOT EXISTS, so it is done under the lock too.
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await LockPostgresAsync(connection, transaction, cancellationToken);
            await ExecuteAsync(connection, transaction,
                $"CREATE TABLE IF NOT EXISTS {JournalTable} (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        var applied = 0;
        foreach (var migration in migrations)
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockPostgresAsync(connection, transaction, cancellationToken);
            if (await IsAppliedAsync(connection, transaction, migration.Id, cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await ExecuteMigrationAsync(connection, transaction, migration, cancellationToken);
            await RecordAsync(connection, transaction, migration.Id, "now()", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            applied++;
        }

        return applied;
    }

    private static async Task<int> MigrateSqliteAsync(string connectionString, IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        EnsureSqliteFolder(connectionString);

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        // journal_mode can only be changed outside a transaction; it is persistent for the file.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode=WAL", cancellationToken);
        await ExecuteAsync(connection, null,
            $"CREATE TABLE IF NOT EXISTS {JournalTable} (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)",
            cancellationToken);

        var applied = 0;
        foreach (var migration in migrations)
        {
            // BEGIN IMMEDIATE takes the write lock up front, so two migrators serialise here (waiting up to the busy timeout).
            await using var transaction = connection.BeginTransaction(deferred: false);
            if (await IsAppliedAsync(connection, transaction, migration.Id, cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await ExecuteMigrationAsync(connection, transaction, migration, cancellationToken);
            await RecordAsync(connection, transaction, migration.Id, "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            applied++;
        }

        return applied;
    }

    private static async Task ExecuteMigrationAsync(DbConnection connection, DbTransaction transaction, Migration migration, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
        }
        catch (DbException ex)
        {
            throw new InvalidOperationException($"Migration '{migration.Id}' failed: {ex.Message}", ex);
        }
    }

    private static Task LockPostgresAsync(NpgsqlConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock({PostgresLockKey})", cancellationToken);

    private static async Task<bool> IsAppliedAsync(DbConnection connection, DbTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT COUNT(*) FROM {JournalTable} WHERE id = @id";
        AddText(command, "@id", id);
        var count = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(count, System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    private static async Task RecordAsync(DbConnection connection, DbTransaction transaction, string id, string nowExpression, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO {JournalTable} (id, applied_at) VALUES (@id, {nowExpression})";
        AddText(command, "@id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void AddText(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = DbType.String;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static void EnsureSqliteFolder(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (IsInMemory(builder))
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }

    private static string WithoutCreate(string connectionString)
    {
        // A readiness probe must not create an empty database file where none exists yet.
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!IsInMemory(builder) && builder.Mode == SqliteOpenMode.ReadWriteCreate)
        {
            builder.Mode = SqliteOpenMode.ReadWrite;
        }

        return builder.ToString();
    }

    private static bool IsInMemory(SqliteConnectionStringBuilder builder) =>
        builder.Mode == SqliteOpenMode.Memory
        || string.IsNullOrEmpty(builder.DataSource)
        || string.Equals(builder.DataSource, ":memory:", StringComparison.OrdinalIgnoreCase);

    /// <summary>One embedded migration: its id (the file name without <c>.sql</c>) and its SQL.</summary>
    internal sealed record Migration(string Id, string Sql);
}
