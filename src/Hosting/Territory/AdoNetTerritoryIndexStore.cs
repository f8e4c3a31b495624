using System.Data.Common;
using GridGov.Contracts.Territory;
using GridGov.Grains.Territory;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Territory;

/// <summary>The spatial index rows in <c>gridgov_territory_index</c>, on PostgreSQL or SQLite (same SQL for both).</summary>
internal sealed class AdoNetTerritoryIndexStore(DatabaseKind database, string connectionString) : ITerritoryIndexStore
{
    public async Task<IReadOnlyList<TerritoryIndexEntry>> LoadDistrictAsync(string district, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT code, name, boundary, version FROM gridgov_territory_index WHERE district = @district";
        command.AddParameter("district", district);
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<TerritoryIndexEntry>> ListGridsUnderAsync(string code, string? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        // Grid codes have 15 digits and micro-grid codes 17; a node's descendants are the codes it prefixes.
        command.CommandText = """
            SELECT code, name, boundary, version FROM gridgov_territory_index
            WHERE district = @district AND substr(code, 1, @length) = @code AND length(code) IN (15, 17) AND code > @after
            ORDER BY code
            LIMIT @limit
            """;
        command.AddParameter("district", DistrictCode.Of(code));
        command.AddParameter("length", code.Length);
        command.AddParameter("code", code);
        command.AddParameter("after", after ?? "");
        command.AddParameter("limit", limit);
        return await ReadEntriesAsync(command, cancellationToken);
    }

    public async Task UpsertAsync(TerritoryIndexEntry entry, double[]? envelope, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO gridgov_territory_index (code, district, name, boundary, min_lon, min_lat, max_lon, max_lat, version)
            VALUES (@code, @district, @name, @boundary, @min_lon, @min_lat, @max_lon, @max_lat, @version)
            ON CONFLICT (code) DO UPDATE SET
                name = excluded.name, boundary = excluded.boundary,
                min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat,
                version = excluded.version
            WHERE gridgov_territory_index.version < excluded.version
            """;
        command.AddParameter("code", entry.Code);
        command.AddParameter("district", DistrictCode.Of(entry.Code));
        command.AddParameter("name", entry.Name);
        command.AddParameter("boundary", entry.Boundary);
        command.AddParameter("min_lon", envelope?[0]);
        command.AddParameter("min_lat", envelope?[1]);
        command.AddParameter("max_lon", envelope?[2]);
        command.AddParameter("max_lat", envelope?[3]);
        command.AddParameter("version", entry.Version);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SetDistrictExtentAsync(DistrictExtent extent, CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO gridgov_district_extents (district, min_lon, min_lat, max_lon, max_lat)
            VALUES (@district, @min_lon, @min_lat, @max_lon, @max_lat)
            ON CONFLICT (district) DO UPDATE SET
                min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat
            """;
        command.AddParameter("district", extent.District);
        command.AddParameter("min_lon", extent.MinLon);
        command.AddParameter("min_lat", extent.MinLat);
        command.AddParameter("max_lon", extent.MaxLon);
        command.AddParameter("max_lat", extent.MaxLat);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<DistrictExtent>> LoadDistrictExtentsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Database.OpenAsync(database, connectionString, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT district, min_lon, min_lat, max_lon, max_lat FROM gridgov_district_extents";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var extents = new List<DistrictExtent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            extents.Add(new DistrictExtent(
                reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4)));
        }

        return extents;
    }

    /// <summary>The rows of a <c>SELECT code, name, boundary, version</c> as index entries.</summary>
    private static async Task<IReadOnlyList<TerritoryIndexEntry>> ReadEntriesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<TerritoryIndexEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new TerritoryIndexEntry(
                reader.GetString(0),
                reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt64(3)));
        }

        return entries;
    }
}
