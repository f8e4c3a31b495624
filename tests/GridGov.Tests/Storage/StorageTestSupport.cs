using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace GridGov.Tests.Storage;

/// <summary>A fresh, migrated database of either kind, dropped/deleted on dispose.</summary>
public sealed class MigratedStore : IAsyncDisposable
{
    private readonly IAsyncDisposable _owner;

    private MigratedStore(DatabaseKind kind, string connectionString, IAsyncDisposable owner)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _owner = owner;
    }

    public DatabaseKind Kind { get; }

    public string ConnectionString { get; }

    public string Invariant => StorageInvariants.For(Kind);

    public static async Task<MigratedStore> CreateAsync(DatabaseKind kind)
    {
        IAsyncDisposable owner;
        string connectionString;
        if (kind == DatabaseKind.PostgreSql)
        {
            var database = await PostgresServer.CreateDatabaseAsync();
            (owner, connectionString) = (database, database.ConnectionString);
        }
        else
        {
            var file = SqliteFiles.Create();
            (owner, connectionString) = (file, file.ConnectionString);
        }

        try
        {
            await SchemaMigrator.MigrateAsync(kind, connectionString);
            return new MigratedStore(kind, connectionString, owner);
        }
        catch
        {
            await owner.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a scalar query with @-named parameters.</summary>
    public async Task<long> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = SchemaMigrator.CreateConnection(Kind, ConnectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        var result = await command.ExecuteScalarAsync();
        return Convert.ToInt64(result, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Runs a statement with @-named parameters; returns the affected row count.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = SchemaMigrator.CreateConnection(Kind, ConnectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Reads rows as arrays of column values.</summary>
    public async Task<List<object?[]>> RowsAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = SchemaMigrator.CreateConnection(Kind, ConnectionString);
        await connection.OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public ValueTask DisposeAsync() => _owner.DisposeAsync();

    private static DbCommand Command(DbConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}

/// <summary>In-process Orleans test clusters whose silos use the ADO.NET providers against a <see cref="MigratedStore"/>.</summary>
public static class StorageClusters
{
    /// <summary>The grain storage under test (ClearStateAsync keeps the row, with a NULL payload).</summary>
    public const string Storage = "Main";

    /// <summary>The same table through a provider with DeleteStateOnClear (ClearStateAsync deletes the row).</summary>
    public const string DeletingStorage = "MainDeleteOnClear";

    /// <summary>Starts a 2-silo cluster. Clusters started with the same <paramref name="serviceId"/> share stored state.</summary>
    public static async Task<InProcessTestCluster> StartAsync(MigratedStore store, string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorage(Storage, o =>
            {
                o.Invariant = store.Invariant;
                o.ConnectionString = store.ConnectionString;
            });
            silo.AddAdoNetGrainStorage(DeletingStorage, o =>
            {
                o.Invariant = store.Invariant;
                o.ConnectionString = store.ConnectionString;
                o.DeleteStateOnClear = true;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = store.Invariant;
                o.ConnectionString = store.ConnectionString;
            });

            // A reminder registered while the silos' reminder ranges are still settling is only in the table until the
            // next refresh of the local lists (five minutes by default): refresh often, so the test sees it fire.
            silo.Configure<ReminderOptions>(o => o.RefreshReminderListPeriod = TimeSpan.FromSeconds(2));
        });

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops every silo and the client, then disposes the cluster.</summary>
    public static async Task StopAsync(InProcessTestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }
}

/// <summary>Extensions to reach silo services in an in-process cluster.</summary>
public static class ClusterServiceExtensions
{
    public static T SiloService<T>(this InProcessTestCluster cluster)
        where T : notnull => cluster.GetSiloServiceProvider().GetRequiredService<T>();
}
