using System.Data.Common;
using System.Text;
using GridGov.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Configuration.Overrides;
using Orleans.Storage;

namespace GridGov.Hosting.Storage;

/// <summary>
/// The only code that reads or writes <c>orleans_storage</c> rows without going through Orleans' ADO.NET grain storage:
/// case reception's grouped inserts and the outbox sweep. Everything else goes through the provider, so this class is
/// where an Orleans upgrade can break GridGov's storage. <c>OrleansStorageContractTests</c> holds each point below
/// against the real provider of Orleans 10.4.2, on PostgreSQL and SQLite.
/// </summary>
/// <remarks>
/// What the provider (<c>AdoNetGrainStorage</c>) does, and this class does the same:
/// <list type="bullet">
/// <item><b>Grain id</b>: a grain whose id has no integer or Guid part is stored with <c>grain_id_n0</c> = <c>grain_id_n1</c>
/// = 0 and its key, as text, in <c>grain_id_extension</c>. Its key hash is taken over the key's UTF-8 bytes, reversed on
/// a little-endian machine. Integer and Guid keys are laid out otherwise; <see cref="Covers"/> refuses them.</item>
/// <item><b>Grain type</b>: <c>grain_type</c> is the state name the grain's <c>[PersistentState]</c> gives, as is when
/// it is not a generic type name (<c>`</c>, <c>[</c>, <c>]</c>, which the provider rewrites; refused here), and its
/// hash is taken over its UTF-8 bytes, unreversed.</item>
/// <item><b>Hasher</b>: both hashes come from the hasher the provider's options pick (<see cref="AdoNetGrainStorageOptions.HashPicker"/>,
/// which Orleans sets to one <see cref="OrleansDefaultHasher"/> when none is configured), asked with the service id,
/// the provider's name, the state name, the grain id and the state, as the provider asks it.</item>
/// <item><b>Service id</b>: the provider's cluster options, which a keyed <see cref="ClusterOptions"/> for the provider's
/// name overrides (<see cref="OptionsOverrides.GetProviderClusterOptions"/>).</item>
/// <item><b>Versions</b>: a first write stores version 1, and the ETag the provider hands its grain is the version as
/// invariant text; a second first write of the same grain is refused by the unique index and changes nothing.</item>
/// <item><b>Payload</b>: <c>payload</c> holds the bytes of the options' <see cref="AdoNetGrainStorageOptions.GrainStorageSerializer"/>
/// (GridGov's <see cref="GrainStateSerializer"/>); <c>modified_at</c> is the database's clock as GridGov's migrations
/// write it (timestamptz on PostgreSQL, <c>CURRENT_TIMESTAMP</c> text on SQLite).</item>
/// </list>
/// </remarks>
public sealed class OrleansStorageRows(
    DatabaseKind database, string connectionString, string serviceId, string providerName, AdoNetGrainStorageOptions options)
{
    /// <summary>The most rows one <see cref="InsertAsync"/> takes: on PostgreSQL they go in one statement, as arrays.</summary>
    public const int MaxRowsPerInsert = 1000;

    private const string PostgresInsert = """
        INSERT INTO orleans_storage
            (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_extension, payload, version, modified_at)
        SELECT r.id_hash, r.type_hash, $1, 0, 0, r.grain_type, r.id, r.payload, 1, now()
        FROM unnest($2::integer[], $3::integer[], $4::text[], $5::text[], $6::bytea[]) AS r(id_hash, type_hash, grain_type, id, payload)
        ON CONFLICT DO NOTHING
        RETURNING grain_type, grain_id_extension
        """;

    private const string SqliteInsert = """
        INSERT INTO orleans_storage
            (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_extension, payload, version, modified_at)
        VALUES (@id_hash, @type_hash, @service, 0, 0, @grain_type, @id, @payload, 1, CURRENT_TIMESTAMP)
        ON CONFLICT DO NOTHING
        """;

    private const string Read = """
        SELECT payload, version FROM orleans_storage
        WHERE grain_id_hash = @id_hash AND grain_type_hash = @type_hash AND service_id = @service
          AND grain_id_n0 = 0 AND grain_id_n1 = 0 AND grain_type = @grain_type AND grain_id_extension = @id
        """;

    // 'case' is a literal so that the partial index of case rows (migration 0180) serves prepared statements too.
    private const string UnprojectedCases = """
        SELECT s.grain_id_extension, s.modified_at
        FROM orleans_storage s
        LEFT JOIN gridgov_cases c ON c.id = s.grain_id_extension
        WHERE s.grain_type = 'case' AND s.service_id = @service
          AND s.modified_at >= @after AND s.modified_at <= @until
          AND (s.modified_at > @after OR s.grain_id_extension > @after_id)
          AND (c.id IS NULL OR c.version < s.version)
        ORDER BY s.modified_at, s.grain_id_extension
        LIMIT @limit
        """;

    private readonly IStorageHasherPicker _hashers = options.HashPicker ?? new StorageHasherPicker([new OrleansDefaultHasher()]);

    /// <summary>The rows of the grain storage named <paramref name="providerName"/>, as configured in <paramref name="services"/>.</summary>
    public static OrleansStorageRows Of(IServiceProvider services, DatabaseKind database, string connectionString, string providerName = ProviderNames.MainStorage) =>
        new(
            database, connectionString, services.GetProviderClusterOptions(providerName).Value.ServiceId, providerName,
            services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(providerName));

    public string ServiceId => serviceId;

    /// <summary>Whether this class lays out the grain's row: a string key and a state name that is not a generic type name.</summary>
    public static bool Covers(GrainId grain, string stateName) =>
        !grain.TryGetGuidKey(out _, out _) && !grain.TryGetIntegerKey(out _, out _) && stateName.IndexOfAny(['`', '[', ']']) < 0;

    /// <summary>The row the grain storage would write for the grain's first state.</summary>
    public OrleansStorageRow RowOf<T>(GrainId grain, string stateName, T state)
    {
        if (!Covers(grain, stateName))
        {
            throw new ArgumentException($"The row of {grain} under '{stateName}' is not laid out here; write it through the grain storage.", nameof(grain));
        }

        var key = grain.Key.ToString()!;
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(keyBytes);
        }

        var hasher = _hashers.PickHasher(serviceId, providerName, stateName, grain, new GrainState<T>(state))
            ?? throw new InvalidOperationException($"The grain storage {providerName} has no hasher for {stateName}.");
        return new OrleansStorageRow(
            hasher.Hash(keyBytes), hasher.Hash(Encoding.UTF8.GetBytes(stateName)), stateName, key,
            options.GrainStorageSerializer.Serialize(state).ToArray());
    }

    /// <summary>A stored payload as the grain storage reads it.</summary>
    public T? Deserialize<T>(byte[] payload) => options.GrainStorageSerializer.Deserialize<T>(new BinaryData(payload));

    /// <summary>
    /// Inserts the rows as version 1, in one statement on PostgreSQL and one transaction on SQLite, where their grain has no
    /// row. Answers, row by row, null for a row it inserted, and for any other the row stored, read after the insert
    /// committed (<see cref="StoredRow.None"/> if there is none).
    /// </summary>
    public async Task<StoredRow?[]> InsertAsync(IReadOnlyList<OrleansStorageRow> rows, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows.Count, MaxRowsPerInsert);

        // The same grain twice in one statement: only its first row may insert (PostgreSQL would answer both as inserted).
        var first = new Dictionary<(string, string), OrleansStorageRow>();
        foreach (var row in rows)
        {
            first.TryAdd((row.Type, row.Id), row);
        }

        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        var inserted = database == DatabaseKind.PostgreSql
            ? await InsertPostgresAsync((NpgsqlConnection)connection, [.. first.Values], cancellationToken)
            : await InsertSqliteAsync(connection, [.. first.Values], cancellationToken);

        var answers = new StoredRow?[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            answers[i] = ReferenceEquals(first[(row.Type, row.Id)], row) && inserted.Contains((row.Type, row.Id))
                ? null
                : await ReadAsync(connection, row, cancellationToken);
        }

        return answers;
    }

    /// <summary>The database's clock minus <paramref name="age"/>, in the form <c>modified_at</c> is stored in.</summary>
    public async Task<object> NowMinusAsync(TimeSpan age, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = database == DatabaseKind.PostgreSql
            ? "SELECT now() - make_interval(secs => @seconds)"
            : "SELECT datetime('now', '-' || @seconds || ' seconds')";
        command.AddParameter("seconds", Math.Ceiling(age.TotalSeconds));
        return (await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Case rows written after <paramref name="after"/> (a time, then a case id among the rows written at that time) and
    /// by <paramref name="until"/> whose version the read model (<c>gridgov_cases</c>) lacks, oldest first.
    /// </summary>
    public async Task<IReadOnlyList<(string CaseId, object ModifiedAt)>> UnprojectedCasesAsync(
        (object At, string Id) after, object until, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = UnprojectedCases;
        command.AddParameter("service", serviceId);
        command.AddParameter("after", after.At);
        command.AddParameter("after_id", after.Id);
        command.AddParameter("until", until);
        command.AddParameter("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(string, object)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetString(0), reader.GetValue(1)));
        }

        return rows;
    }

    private async Task<HashSet<(string, string)>> InsertPostgresAsync(NpgsqlConnection connection, OrleansStorageRow[] rows, CancellationToken cancellationToken)
    {
        var inserted = new HashSet<(string, string)>();
        await using var command = new NpgsqlCommand(PostgresInsert, connection);
        command.Parameters.Add(new() { Value = serviceId });
        command.Parameters.Add(new() { Value = rows.Select(r => r.IdHash).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.TypeHash).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Type).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Id).ToArray() });
        command.Parameters.Add(new() { Value = rows.Select(r => r.Payload).ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted.Add((reader.GetString(0), reader.GetString(1)));
        }

        return inserted;
    }

    // SQLite has one writer: one transaction for the group, one prepared statement per row.
    private async Task<HashSet<(string, string)>> InsertSqliteAsync(DbConnection connection, OrleansStorageRow[] rows, CancellationToken cancellationToken)
    {
        var inserted = new HashSet<(string, string)>();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var row in rows)
        {
            await using var command = Command(connection, SqliteInsert, row);
            command.Transaction = transaction;
            command.AddParameter("payload", row.Payload);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                inserted.Add((row.Type, row.Id));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return inserted;
    }

    private async Task<StoredRow> ReadAsync(DbConnection connection, OrleansStorageRow row, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, Read, row);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredRow(reader.IsDBNull(0) ? null : (byte[])reader.GetValue(0), Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture))
            : StoredRow.None;
    }

    private DbCommand Command(DbConnection connection, string sql, OrleansStorageRow row)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.AddParameter("id_hash", row.IdHash);
        command.AddParameter("type_hash", row.TypeHash);
        command.AddParameter("service", serviceId);
        command.AddParameter("grain_type", row.Type);
        command.AddParameter("id", row.Id);
        return command;
    }
}

/// <summary>A grain's first state, laid out as the grain storage writes it (<see cref="OrleansStorageRows.RowOf"/>).</summary>
public sealed record OrleansStorageRow(int IdHash, int TypeHash, string Type, string Id, byte[] Payload);

/// <summary>What a grain's row holds: its payload (null when its state was cleared) and its version, 0 when there is no row.</summary>
public sealed record StoredRow(byte[]? Payload, int Version)
{
    public static readonly StoredRow None = new(null, 0);
}
