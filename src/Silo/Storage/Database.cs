using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace GridGov.Silo.Storage;

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

    public static void AddParameter(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
    }
}
