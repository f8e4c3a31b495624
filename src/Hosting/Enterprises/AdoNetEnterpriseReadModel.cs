using System.Text.Json;
using GridGov.Contracts.Enterprises;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Enterprises;

/// <summary>The enterprises in <c>gridgov_enterprises</c>: one row each, the newest version wins.</summary>
internal sealed class AdoNetEnterpriseReadModel(DatabaseKind database, string connectionString) : IEnterpriseReadModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public Task UpsertAsync(EnterpriseSnapshot enterprise, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            """
            INSERT INTO gridgov_enterprises (id, district, grid_code, version, snapshot) VALUES (@id, @district, @grid, @version, @snapshot)
            ON CONFLICT (id) DO UPDATE SET grid_code = excluded.grid_code, version = excluded.version, snapshot = excluded.snapshot
            WHERE gridgov_enterprises.version < excluded.version
            """,
            command =>
            {
                command.AddParameter("id", enterprise.Id);
                command.AddParameter("district", DistrictCode.Of(enterprise.Id));
                command.AddParameter("grid", enterprise.GridCode);
                command.AddParameter("version", enterprise.Version);
                command.AddParameter("snapshot", JsonSerializer.Serialize(enterprise, Json));
            },
            command => command.ExecuteNonQueryAsync(cancellationToken),
            cancellationToken);

    public Task RemoveAsync(string id, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            "DELETE FROM gridgov_enterprises WHERE id = @id",
            command => command.AddParameter("id", id),
            command => command.ExecuteNonQueryAsync(cancellationToken),
            cancellationToken);

    public Task<IReadOnlyList<EnterpriseSnapshot>> ListAsync(string territory, string? after, int limit, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            // The district narrows first; a grid code starts with the codes of every node above it.
            """
            SELECT snapshot FROM gridgov_enterprises
            WHERE district = @district AND grid_code LIKE @territory AND (@after IS NULL OR id > @after)
            ORDER BY id LIMIT @limit
            """,
            command =>
            {
                command.AddParameter("district", DistrictCode.Of(territory));
                command.AddParameter("territory", territory[..Math.Min(territory.Length, 15)] + "%");
                command.AddText("after", after);
                command.AddParameter("limit", limit);
            },
            command => command.ReadAllAsync(reader => JsonSerializer.Deserialize<EnterpriseSnapshot>(reader.GetString(0), Json)!, cancellationToken),
            cancellationToken);
}
