using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridGov.Hosting.Storage;

/// <summary>Connections for GridGov's own tables, on the same database as the Orleans providers.</summary>
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
