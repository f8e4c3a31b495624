using System.Data.Common;
using System.Text.Json;
using GridGov.Contracts.ServicePoints;
using GridGov.Contracts.Territory;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.ServicePoints;

/// <summary>The service points in <c>gridgov_service_points</c> (migration 0260), and the households' places for coverage.</summary>
internal sealed class AdoNetServicePointReadModel(DatabaseKind database, string connectionString) : IServicePointReadModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    // Ids go in ordinal order on both databases (PostgreSQL's default collation may not be).
    private string ById => database == DatabaseKind.PostgreSql ? "id COLLATE \"C\"" : "id";

    public Task UpsertAsync(ServicePointSnapshot point, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            """
            INSERT INTO gridgov_service_points (id, district, kind, lat, lon, version, snapshot)
            VALUES (@id, @district, @kind, @lat, @lon, @version, @snapshot)
            ON CONFLICT (id) DO UPDATE SET
                kind = excluded.kind, lat = excluded.lat, lon = excluded.lon, version = excluded.version, snapshot = excluded.snapshot
            WHERE gridgov_service_points.version < excluded.version
            """,
            command =>
            {
                command.AddParameter("id", point.Id);
                command.AddParameter("district", DistrictCode.Of(point.Id));
                command.AddParameter("kind", KindColumn(point.Kind));
                command.AddParameter("lat", point.Lat);
                command.AddParameter("lon", point.Lon);
                command.AddParameter("version", point.Version);
                command.AddParameter("snapshot", JsonSerializer.Serialize(point, Json));
            },
            command => command.ExecuteNonQueryAsync(cancellationToken),
            cancellationToken);

    public Task RemoveAsync(string id, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            "DELETE FROM gridgov_service_points WHERE id = @id",
            command => command.AddParameter("id", id),
            command => command.ExecuteNonQueryAsync(cancellationToken),
            cancellationToken);

    public Task<IReadOnlyList<ServicePointSnapshot>> WithinBoxAsync(
        string district, double minLat, double minLon, double maxLat, double maxLon, ServicePointKind? kind, CancellationToken cancellationToken) =>
        QueryAsync(
            """
            SELECT snapshot FROM gridgov_service_points
            WHERE district = @district AND lat >= @min_lat AND lat <= @max_lat AND lon >= @min_lon AND lon <= @max_lon
              AND (@kind IS NULL OR kind = @kind)
            """,
            command =>
            {
                command.AddParameter("district", district);
                command.AddParameter("min_lat", minLat);
                command.AddParameter("max_lat", maxLat);
                command.AddParameter("min_lon", minLon);
                command.AddParameter("max_lon", maxLon);
                command.AddText("kind", kind is { } k ? KindColumn(k) : null);
            },
            cancellationToken);

    public Task<IReadOnlyList<ServicePointSnapshot>> ListAsync(
        string district, ServicePointKind? kind, string? after, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"""
            SELECT snapshot FROM gridgov_service_points
            WHERE district = @district AND (@kind IS NULL OR kind = @kind) AND (@after IS NULL OR {ById} > @after)
            ORDER BY {ById} LIMIT @limit
            """,
            command =>
            {
                command.AddParameter("district", district);
                command.AddText("kind", kind is { } k ? KindColumn(k) : null);
                command.AddText("after", after);
                command.AddParameter("limit", limit);
            },
            cancellationToken);

    public Task<IReadOnlyList<HouseholdPlace>> HouseholdPlacesAsync(string territory, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            $"SELECT id, grid_code, micro_grid FROM gridgov_households WHERE district = @district AND grid_code LIKE @territory ORDER BY {ById}",
            command =>
            {
                command.AddParameter("district", DistrictCode.Of(territory));
                command.AddParameter("territory", territory[..Math.Min(territory.Length, 15)] + "%");
            },
            command => command.ReadAllAsync(
                reader => new HouseholdPlace(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)),
                cancellationToken),
            cancellationToken);

    /// <summary>The kind as its wire name, so the rows read the same as the API.</summary>
    private static string KindColumn(ServicePointKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    private Task<IReadOnlyList<ServicePointSnapshot>> QueryAsync(string sql, Action<DbCommand> bind, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            sql,
            bind,
            command => command.ReadAllAsync(reader => JsonSerializer.Deserialize<ServicePointSnapshot>(reader.GetString(0), Json)!, cancellationToken),
            cancellationToken);
}
