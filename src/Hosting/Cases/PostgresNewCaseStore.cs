using System.Text;
using GridGov.Contracts;
using GridGov.Grains.Cases;
using GridGov.Hosting.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace GridGov.Hosting.Cases;

/// <summary>
/// New cases' first states on PostgreSQL, committed in groups: the reports that arrive while one statement runs go
/// together in the next, one multi-row insert into the grain storage table (<c>orleans_storage</c>, the schema of
/// migration 0003) with the rows exactly as the grain storage writes them — its serializer, its hashes, version 1.
/// A row that exists already is left alone (<c>ON CONFLICT DO NOTHING</c>) and its report answered false. Each report
/// is answered only after its statement committed, so an acknowledged case is stored.
/// </summary>
/// <remarks>
/// One insert per report was the largest single cost of intake in PostgreSQL (about 0.14 ms each, a round trip and a
/// parse of the storage's generic write). A grain id with a numeric or Guid part, or a generic state name, which this
/// does not lay out, goes through the grain storage instead.
/// </remarks>
public sealed class PostgresNewCaseStore : INewCaseStore
{
    private const int MaxRowsPerStatement = 1000;

    private const string Insert = """
        INSERT INTO orleans_storage
            (grain_id_hash, grain_type_hash, service_id, grain_id_n0, grain_id_n1, grain_type, grain_id_extension, payload, version, modified_at)
        SELECT r.id_hash, r.type_hash, $1, 0, 0, r.grain_type, r.id, r.payload, 1, now()
        FROM unnest($2::integer[], $3::integer[], $4::text[], $5::text[], $6::bytea[]) AS r(id_hash, type_hash, grain_type, id, payload)
        ON CONFLICT DO NOTHING
        RETURNING grain_type, grain_id_extension
        """;

    private readonly string _connectionString;
    private readonly string _serviceId;
    private readonly AdoNetGrainStorageOptions _storage;
    private readonly IStorageHasherPicker _hashers;
    private readonly INewCaseStore _fallback;
    private readonly GroupCommit<Row> _commits;

    public PostgresNewCaseStore(
        string connectionString, IOptions<ClusterOptions> cluster, IOptionsMonitor<AdoNetGrainStorageOptions> storage, INewCaseStore fallback)
    {
        _connectionString = connectionString;
        _serviceId = cluster.Value.ServiceId;
        _storage = storage.Get(ProviderNames.MainStorage);
        _hashers = _storage.HashPicker ?? new StorageHasherPicker([new OrleansDefaultHasher()]);
        _fallback = fallback;
        _commits = new GroupCommit<Row>(WriteGroupAsync, (row, e) => row.Done.TrySetException(e));
    }

    public Task<bool> TryInsertAsync<T>(GrainId grain, string stateName, T state)
    {
        if (grain.TryGetGuidKey(out _, out _) || grain.TryGetIntegerKey(out _, out _) || stateName.IndexOfAny(['`', '[', ']']) >= 0)
        {
            return _fallback.TryInsertAsync(grain, stateName, state);
        }

        // As the grain storage keys a string-keyed grain: the key's UTF-8 bytes, reversed on little-endian machines, hashed
        // by the configured hasher; the type's UTF-8 bytes likewise, unreversed.
        var key = grain.Key.ToString()!;
        var keyBytes = Encoding.UTF8.GetBytes(key);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(keyBytes);
        }

        // Picked as the storage picks it: by the state's base type name, here the state name.
        var hasher = _hashers.PickHasher(_serviceId, ProviderNames.MainStorage, stateName, grain, new GrainState<T>(state))
            ?? throw new InvalidOperationException($"The grain storage {ProviderNames.MainStorage} has no hasher for {stateName}.");
        var row = new Row(
            hasher.Hash(keyBytes),
            hasher.Hash(Encoding.UTF8.GetBytes(stateName)),
            stateName,
            key,
            _storage.GrainStorageSerializer.Serialize(state).ToArray());
        _commits.Enqueue(row);
        return row.Done.Task;
    }

    private async Task WriteGroupAsync(List<Row> rows)
    {
        foreach (var chunk in rows.Chunk(MaxRowsPerStatement))
        {
            try
            {
                await WriteAsync(chunk);
            }
            catch (Exception e)
            {
                foreach (var row in chunk)
                {
                    row.Done.TrySetException(e);
                }
            }
        }
    }

    private async Task WriteAsync(Row[] rows)
    {
        // The same grain twice in one statement: only its first row may insert. The others are answered once the
        // statement committed, so that they find the stored row when they read it.
        var first = new Dictionary<(string Type, string Id), Row>();
        var repeated = new List<Row>();
        foreach (var row in rows)
        {
            if (!first.TryAdd((row.Type, row.Id), row))
            {
                repeated.Add(row);
            }
        }

        // A failure fails them all, the repeated rows included (WriteGroupAsync).
        var batch = first.Values.ToArray();
        var inserted = new HashSet<(string, string)>();
        await using (var connection = (NpgsqlConnection)await Database.OpenAsync(DatabaseKind.PostgreSql, _connectionString, CancellationToken.None))
        {
            await using var command = new NpgsqlCommand(Insert, connection);
            command.Parameters.Add(new() { Value = _serviceId });
            command.Parameters.Add(new() { Value = batch.Select(r => r.IdHash).ToArray() });
            command.Parameters.Add(new() { Value = batch.Select(r => r.TypeHash).ToArray() });
            command.Parameters.Add(new() { Value = batch.Select(r => r.Type).ToArray() });
            command.Parameters.Add(new() { Value = batch.Select(r => r.Id).ToArray() });
            command.Parameters.Add(new() { Value = batch.Select(r => r.Payload).ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                inserted.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var row in batch)
        {
            row.Done.TrySetResult(inserted.Contains((row.Type, row.Id)));
        }

        repeated.ForEach(row => row.Done.TrySetResult(false));
    }

    private sealed record Row(int IdHash, int TypeHash, string Type, string Id, byte[] Payload)
    {
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
