using System.Text.Json;
using System.Threading.Channels;
using GridGov.Contracts.People;
using GridGov.Hosting.Storage;
using Npgsql;
using NpgsqlTypes;
using GridGov.Contracts.Territory;

namespace GridGov.Hosting.People;

/// <summary>
/// Group commit of household rows on PostgreSQL: the households that grains write at about the same moment (an import
/// writes 32 at a time) go to the database in one statement, and each writer's task completes when its row is written.
/// A batch that fails is retried household by household (the same statement, one household each), so one bad row fails
/// only its own writer.
/// </summary>
internal sealed class HouseholdRowWriter
{
    private const int MaxBatch = 256;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly JsonSerializerOptions _json;

    public HouseholdRowWriter(string connectionString, JsonSerializerOptions json)
    {
        _connectionString = connectionString;
        _json = json;
        _ = Task.Run(RunAsync);
    }

    public Task WriteAsync(HouseholdSnapshot household, CancellationToken cancellationToken)
    {
        var pending = new Pending(household, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return _queue.Writer.TryWrite(pending)
            ? pending.Done.Task.WaitAsync(cancellationToken)
            : WriteBatchAsync([pending], cancellationToken);
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await WriteBatchAsync(batch, CancellationToken.None);
                batch.ForEach(p => p.Done.TrySetResult());
            }
            catch (Exception)
            {
                // One statement for all failed: write each on its own, so a failure reaches only its own writer.
                await Task.WhenAll(batch.Select(async p =>
                {
                    try
                    {
                        await WriteBatchAsync([p], CancellationToken.None);
                        p.Done.TrySetResult();
                    }
                    catch (Exception e)
                    {
                        p.Done.TrySetException(e);
                    }
                }));
            }

            batch.Clear();
        }
    }

    /// <summary>
    /// One statement: each household row only where it is newer; then, for the households written, residents no longer
    /// in them deleted and the current ones written. Within a batch the newest version of a household wins, and the
    /// delete and the insert touch disjoint rows, as statements sharing one snapshot must.
    /// </summary>
    private async Task WriteBatchAsync(IReadOnlyList<Pending> batch, CancellationToken cancellationToken)
    {
        var households = batch.Select(p => p.Household)
            .GroupBy(h => h.Id, StringComparer.Ordinal)
            .Select(g => g.MaxBy(h => h.Version)!)
            .ToArray();
        var residents = households
            .SelectMany(h => h.Residents.Select(r => (r.Id, Household: h.Id, r.IdNumberHash)))
            .GroupBy(r => r.Id, StringComparer.Ordinal)
            .Select(g => g.Last())
            .ToArray();

        await using var connection = (NpgsqlConnection)await Database.OpenAsync(DatabaseKind.PostgreSql, _connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            WITH input AS (
                SELECT * FROM unnest(@ids, @districts, @grids, @micros, @tags, @versions, @snapshots)
                    AS t(id, district, grid_code, micro_grid, care_tags, version, snapshot)
            ), household AS (
                INSERT INTO gridgov_households (id, district, grid_code, micro_grid, care_tags, version, snapshot)
                SELECT id, district, grid_code, micro_grid, care_tags, version, snapshot FROM input
                ON CONFLICT (id) DO UPDATE SET
                    grid_code = excluded.grid_code, micro_grid = excluded.micro_grid, care_tags = excluded.care_tags,
                    version = excluded.version, snapshot = excluded.snapshot
                WHERE gridgov_households.version < excluded.version
                RETURNING id
            ), resident AS (
                SELECT * FROM unnest(@resident_ids, @resident_households, @resident_hashes) AS r(id, household_id, hash)
            ), gone AS (
                DELETE FROM gridgov_residents g
                WHERE g.household_id IN (SELECT id FROM household)
                  AND NOT EXISTS (SELECT 1 FROM resident r WHERE r.id = g.id AND r.household_id = g.household_id)
            )
            INSERT INTO gridgov_residents (id, household_id, district, id_number_hash)
            SELECT r.id, r.household_id, left(r.household_id, 6), r.hash
            FROM resident r JOIN household h ON h.id = r.household_id
            ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id, id_number_hash = excluded.id_number_hash
            """;
        Add(command, "ids", households.Select(h => h.Id));
        Add(command, "districts", households.Select(h => DistrictCode.Of(h.Id)));
        Add(command, "grids", households.Select(h => h.Address.GridCode));
        Add(command, "micros", households.Select(h => h.Address.MicroGridCode));
        Add(command, "tags", households.Select(AdoNetPeopleReadModel.CareTagsColumn));
        command.Parameters.Add(new NpgsqlParameter("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = households.Select(h => h.Version).ToArray() });
        Add(command, "snapshots", households.Select(h => JsonSerializer.Serialize(h, _json)));
        Add(command, "resident_ids", residents.Select(r => r.Id));
        Add(command, "resident_households", residents.Select(r => r.Household));
        Add(command, "resident_hashes", residents.Select(r => r.IdNumberHash));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static void Add(NpgsqlCommand command, string name, IEnumerable<string?> values) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() });

    private sealed record Pending(HouseholdSnapshot Household, TaskCompletionSource Done);
}
