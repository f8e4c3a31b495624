using System.Text.Json;
using GridGov.Contracts.People;
using GridGov.Grains.People;
using GridGov.Silo.Storage;

namespace GridGov.Silo.People;

internal sealed class AdoNetPeopleReadModel(DatabaseKind database, string connectionString) : IPeopleReadModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public async Task UpsertHouseholdAsync(HouseholdSnapshot household, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO gridgov_households (id, district, grid_code, micro_grid, care_tags, version, snapshot)
                VALUES (@id, @district, @grid, @micro, @tags, @version, @snapshot)
                ON CONFLICT (id) DO UPDATE SET
                    grid_code = excluded.grid_code, micro_grid = excluded.micro_grid, care_tags = excluded.care_tags,
                    version = excluded.version, snapshot = excluded.snapshot
                WHERE gridgov_households.version < excluded.version
                """;
            command.AddParameter("id", household.Id);
            command.AddParameter("district", household.Id[..6]);
            command.AddParameter("grid", household.Address.GridCode);
            command.AddText("micro", household.Address.MicroGridCode);
            // Every care tag of every resident, and the household's tags, between separators: "|elderly-alone|veteran|".
            command.AddParameter("tags", "|" + string.Join("|", household.Tags.Concat(household.Residents.SelectMany(r => r.CareTags)).Distinct()) + "|");
            command.AddParameter("version", household.Version);
            command.AddParameter("snapshot", JsonSerializer.Serialize(household, Json));
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return; // a newer version is already there
            }
        }

        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = "DELETE FROM gridgov_residents WHERE household_id = @id";
            delete.AddParameter("id", household.Id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var resident in household.Residents)
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO gridgov_residents (id, household_id, district, id_number_hash) VALUES (@id, @household, @district, @hash)
                ON CONFLICT (id) DO UPDATE SET household_id = excluded.household_id, id_number_hash = excluded.id_number_hash
                """;
            insert.AddParameter("id", resident.Id);
            insert.AddParameter("household", household.Id);
            insert.AddParameter("district", household.Id[..6]);
            insert.AddText("hash", resident.IdNumberHash);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<HouseholdSnapshot>> ListHouseholdsAsync(string territory, string? careTag, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT snapshot FROM gridgov_households
            WHERE grid_code LIKE @territory AND (@tag IS NULL OR care_tags LIKE @tag) AND (@after IS NULL OR id > @after)
            ORDER BY id LIMIT @limit
            """;
        command.AddParameter("territory", territory[..Math.Min(territory.Length, 15)] + "%");
        command.AddText("tag", careTag is null ? null : $"%|{careTag}|%");
        command.AddText("after", after);
        command.AddParameter("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var households = new List<HouseholdSnapshot>();
        while (await reader.ReadAsync(cancellationToken))
        {
            households.Add(JsonSerializer.Deserialize<HouseholdSnapshot>(reader.GetString(0), Json)!);
        }

        return households;
    }

    public async Task<IReadOnlyList<string>> FindHouseholdsByIdNumberAsync(string district, string idNumberHash, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT household_id FROM gridgov_residents WHERE district = @district AND id_number_hash = @hash ORDER BY household_id";
        command.AddParameter("district", district);
        command.AddParameter("hash", idNumberHash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
