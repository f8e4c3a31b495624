using System.Globalization;
using System.Text;
using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Grains.Cases;
using GridGov.Hosting.Storage;
using GridGov.Contracts.Territory;

namespace GridGov.Hosting.Cases;

/// <summary>
/// The read model's queries that follow the territory's changes: the cases escalated to a node's level, and the
/// departures of cases moved off a retired grid (so a grid's history stays with the grid it happened in).
/// </summary>
internal sealed partial class AdoNetCaseReadModel
{
    public async Task RecordDeparturesAsync(IReadOnlyCollection<CaseDeparture> departures, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(_database, _connectionString, cancellationToken);
        foreach (var d in departures)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO gridgov_case_departures (case_id, version, district, from_grid, to_grid, snapshot)
                VALUES (@case_id, @version, @district, @from_grid, @to_grid, @snapshot)
                ON CONFLICT (case_id, version) DO NOTHING
                """;
            command.AddParameter("case_id", d.Case.Id);
            command.AddParameter("version", d.Case.Version);
            command.AddParameter("district", DistrictCode.Of(d.Case.Id));
            command.AddParameter("from_grid", d.From);
            command.AddParameter("to_grid", d.To);
            command.AddParameter("snapshot", JsonSerializer.Serialize(d.Case, Json));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task<IReadOnlyList<CaseDeparture>> DeparturesUnderAsync(string code, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(_database, _connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT from_grid, to_grid, snapshot FROM gridgov_case_departures
            WHERE district = @district AND (from_grid LIKE @code OR to_grid LIKE @code)
            ORDER BY case_id, version
            """;
        command.AddParameter("district", DistrictCode.Of(code));
        command.AddParameter("code", code + "%");
        var departures = new List<CaseDeparture>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            departures.Add(new CaseDeparture(reader.GetString(0), reader.GetString(1), JsonSerializer.Deserialize<CaseSnapshot>(reader.GetString(2), Json)!));
        }

        return departures;
    }

    public async Task<IReadOnlyList<CaseSnapshot>> EscalatedAsync(
        string territory, TerritoryLevel level, (DateTimeOffset EscalatedAt, string Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(_database, _connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new List<string>
        {
            "district = @district", "handled_at = @level", "escalated_at IS NOT NULL", "grid_code LIKE @territory",
            "state IN ('Reported', 'Filed', 'Dispatched', 'InProgress', 'Resolved')",
        };
        command.AddParameter("district", DistrictCode.Of(territory));
        command.AddParameter("level", _database == DatabaseKind.PostgreSql ? (short)level : (int)level);
        command.AddParameter("territory", territory + "%");
        if (after is { } a)
        {
            where.Add("(escalated_at > @after_at OR (escalated_at = @after_at AND id > @after_id))");
            command.AddTimestamp(_database, "after_at", a.EscalatedAt);
            command.AddParameter("after_id", a.Id);
        }

        command.CommandText = $"SELECT snapshot FROM gridgov_cases WHERE {string.Join(" AND ", where)} ORDER BY escalated_at, id LIMIT @limit";
        command.AddParameter("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cases = new List<CaseSnapshot>();
        while (await reader.ReadAsync(cancellationToken))
        {
            cases.Add(JsonSerializer.Deserialize<CaseSnapshot>(reader.GetString(0), Json)!);
        }

        return cases;
    }
}
