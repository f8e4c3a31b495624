using System.Data.Common;
using GridGov.Contracts.Territory;
using GridGov.Grains.Territory;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Territory;

/// <summary>The spatial index rows in <c>gridgov_territory_index</c>, on PostgreSQL or SQLite (same SQL for both).</summary>
internal sealed class AdoNetTerritoryIndexStore(DatabaseKind database, string connectionString) : ITerritoryIndexStore
{
    public Task<IReadOnlyList<TerritoryIndexEntry>> LoadDistrictAsync(string district, CancellationToken cancellationToken) => RunAsync(
        "SELECT code, name, boundary, version FROM gridgov_territory_index WHERE district = @district",
        command => command.AddParameter("district", district),
        command => command.ReadAllAsync(ReadEntry, cancellationToken),
        cancellationToken);

    // Grid codes have 15 digits and micro-grid codes 17; a node's descendants are the codes it prefixes.
    public Task<IReadOnlyList<TerritoryIndexEntry>> ListGridsUnderAsync(string code, string? after, int limit, CancellationToken cancellationToken) => RunAsync(
        """
        SELECT code, name, boundary, version FROM gridgov_territory_index
        WHERE district = @district AND substr(code, 1, @length) = @code AND length(code) IN (15, 17) AND code > @after
        ORDER BY code
        LIMIT @limit
        """,
        command =>
        {
            command.AddParameter("district", DistrictCode.Of(code));
            command.AddParameter("length", code.Length);
            command.AddParameter("code", code);
            command.AddParameter("after", after ?? "");
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(ReadEntry, cancellationToken),
        cancellationToken);

    public Task UpsertAsync(TerritoryIndexEntry entry, double[]? envelope, CancellationToken cancellationToken) => RunAsync(
        """
        INSERT INTO gridgov_territory_index (code, district, name, boundary, min_lon, min_lat, max_lon, max_lat, version)
        VALUES (@code, @district, @name, @boundary, @min_lon, @min_lat, @max_lon, @max_lat, @version)
        ON CONFLICT (code) DO UPDATE SET
            name = excluded.name, boundary = excluded.boundary,
            min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat,
            version = excluded.version
        WHERE gridgov_territory_index.version < excluded.version
        """,
        command =>
        {
            command.AddParameter("code", entry.Code);
            command.AddParameter("district", DistrictCode.Of(entry.Code));
            command.AddParameter("name", entry.Name);
            command.AddParameter("boundary", entry.Boundary);
            AddEnvelope(command, envelope?[0], envelope?[1], envelope?[2], envelope?[3]);
            command.AddParameter("version", entry.Version);
        },
        command => command.ExecuteNonQueryAsync(cancellationToken),
        cancellationToken);

    public Task SetDistrictExtentAsync(DistrictExtent extent, CancellationToken cancellationToken) => RunAsync(
        """
        INSERT INTO gridgov_district_extents (district, min_lon, min_lat, max_lon, max_lat)
        VALUES (@district, @min_lon, @min_lat, @max_lon, @max_lat)
        ON CONFLICT (district) DO UPDATE SET
            min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat
        """,
        command =>
        {
            command.AddParameter("district", extent.District);
            AddEnvelope(command, extent.MinLon, extent.MinLat, extent.MaxLon, extent.MaxLat);
        },
        command => command.ExecuteNonQueryAsync(cancellationToken),
        cancellationToken);

    public Task<IReadOnlyList<DistrictExtent>> LoadDistrictExtentsAsync(CancellationToken cancellationToken) => RunAsync(
        "SELECT district, min_lon, min_lat, max_lon, max_lat FROM gridgov_district_extents",
        _ => { },
        command => command.ReadAllAsync(
            reader => new DistrictExtent(reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)),
            cancellationToken),
        cancellationToken);

    private Task<T> RunAsync<T>(string sql, Action<DbCommand> bind, Func<DbCommand, Task<T>> execute, CancellationToken cancellationToken) =>
        Database.RunAsync(database, connectionString, sql, bind, execute, cancellationToken);

    private static void AddEnvelope(DbCommand command, double? minLon, double? minLat, double? maxLon, double? maxLat)
    {
        command.AddParameter("min_lon", minLon);
        command.AddParameter("min_lat", minLat);
        command.AddParameter("max_lon", maxLon);
        command.AddParameter("max_lat", maxLat);
    }

    /// <summary>A row of a <c>SELECT code, name, boundary, version</c> as an index entry.</summary>
    private static TerritoryIndexEntry ReadEntry(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetInt64(3));
}
