using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridGov.Hosting.Storage;

/// <summary>
/// How GridGov's stores reach their own tables, on the same database as the Orleans providers: a connection
/// (<see cref="OpenAsync"/>), one statement on a connection of its own (<see cref="RunAsync"/>), or a write transaction
/// (<see cref="WriteAsync"/>, <see cref="BeginWriteAsync"/>), and the parameter and value conversions both databases need.
/// </summary>
public static class Database
{
    public static DbProviderFactory Factory(DatabaseKind kind) => kind switch
    {
        DatabaseKind.PostgreSql => NpgsqlFactory.Instance,
        DatabaseKind.Sqlite => SqliteFactory.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static async Task<DbConnection> OpenAsync(DatabaseKind kind, string connectionString, CancellationToken cancellationToken)
    {
        var connection = Factory(kind).CreateConnection()!;
        connection.ConnectionString = connectionString;
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs one command on a connection of its own: the statement, its parameters, and what to do with it. The way a
    /// store reaches its tables when a call is one statement.
    /// </summary>
    public static async Task<T> RunAsync<T>(
        DatabaseKind kind, string connectionString, string sql, Action<DbCommand> bind, Func<DbCommand, Task<T>> execute, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(kind, connectionString, cancellationToken);
        await using var command = connection.Command(sql);
        bind(command);
        return await execute(command);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction (<see cref="BeginWriteAsync"/>) on a connection of its own and
    /// commits when it returns; if it throws, nothing it wrote stays.
    /// </summary>
    public static async Task<T> WriteAsync<T>(
        DatabaseKind kind, string connectionString, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(kind, connectionString, cancellationToken);
        await using var transaction = await connection.BeginWriteAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Begins a write transaction: on SQLite it takes the write lock at once, so two writers queue (busy timeout) instead of one failing when it upgrades its lock.</summary>
    public static async Task<DbTransaction> BeginWriteAsync(this DbConnection connection, CancellationToken cancellationToken) =>
        connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(cancellationToken);

    /// <summary>A command with its statement, in <paramref name="transaction"/> when given.</summary>
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Executes a query and maps each row.</summary>
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(this DbCommand command, Func<DbDataReader, T> row, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(row(reader));
        }

        return rows;
    }

    /// <summary>A count or other whole number a statement answers.</summary>
    public static async Task<long> ExecuteInt64Async(this DbCommand command, CancellationToken cancellationToken) =>
        Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A point in time: timestamptz on PostgreSQL, ISO-8601 UTC text (which sorts) on SQLite.</summary>
    public static void AddTimestamp(this DbCommand command, DatabaseKind kind, string name, DateTimeOffset? value) =>
        command.AddParameter(name, value is not { } v ? null
            : kind == DatabaseKind.PostgreSql ? v.ToUniversalTime()
            : v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));

    public static DateTimeOffset? GetTimestamp(this DbDataReader reader, DatabaseKind kind, int ordinal) =>
        reader.IsDBNull(ordinal) ? null
        : kind == DatabaseKind.PostgreSql ? reader.GetFieldValue<DateTimeOffset>(ordinal)
        : DateTimeOffset.Parse(reader.GetString(ordinal), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal);

    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }

    /// <summary>A text parameter that may be null (PostgreSQL needs its type to compare a null with IS NULL).</summary>
    public static void AddText(this DbCommand command, string name, string? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = System.Data.DbType.String;
        parameter.Value = (object?)value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
