using System.Data.Common;
using System.Text.Json;
using GridGov.Contracts.Police;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Police;

/// <summary>
/// The police areas' rows on PostgreSQL or SQLite (same SQL for both): one row per area, written only by a newer
/// version (a deleted area keeps a tombstone row, so a late write cannot bring it back), and its grid links.
/// </summary>
internal sealed class AdoNetPoliceAreaStore(DatabaseKind database, string connectionString) : IPoliceAreaStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private const string Columns = "snapshot FROM gridgov_police_areas";

    public Task UpsertAsync(PoliceAreaSnapshot area, double[]? envelope, CancellationToken cancellationToken) =>
        Database.WriteAsync(database, connectionString, async (connection, transaction) =>
        {
            await using var upsert = connection.Command(
                """
                INSERT INTO gridgov_police_areas (district, code, min_lon, min_lat, max_lon, max_lat, version, deleted, snapshot)
                VALUES (@district, @code, @min_lon, @min_lat, @max_lon, @max_lat, @version, @deleted, @snapshot)
                ON CONFLICT (district, code) DO UPDATE SET
                    min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat,
                    version = excluded.version, deleted = excluded.deleted, snapshot = excluded.snapshot
                WHERE gridgov_police_areas.version < excluded.version
                """,
                transaction);
            upsert.AddParameter("district", area.District);
            upsert.AddParameter("code", area.Code);
            upsert.AddParameter("min_lon", envelope?[0]);
            upsert.AddParameter("min_lat", envelope?[1]);
            upsert.AddParameter("max_lon", envelope?[2]);
            upsert.AddParameter("max_lat", envelope?[3]);
            upsert.AddParameter("version", area.Version);
            upsert.AddParameter("deleted", Bool(false));
            upsert.AddParameter("snapshot", JsonSerializer.Serialize(area, Json));
            if (await upsert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return 0;
            }

            await ReplaceLinksAsync(connection, transaction, area.District, area.Code, area.Grids, cancellationToken);
            return 1;
        }, cancellationToken);

    public Task DeleteAsync(string district, string code, long version, CancellationToken cancellationToken) =>
        Database.WriteAsync(database, connectionString, async (connection, transaction) =>
        {
            await using var tombstone = connection.Command(
                """
                INSERT INTO gridgov_police_areas (district, code, version, deleted, snapshot)
                VALUES (@district, @code, @version, @deleted, '{}')
                ON CONFLICT (district, code) DO UPDATE SET
                    min_lon = NULL, min_lat = NULL, max_lon = NULL, max_lat = NULL,
                    version = excluded.version, deleted = excluded.deleted, snapshot = excluded.snapshot
                WHERE gridgov_police_areas.version < excluded.version
                """,
                transaction);
            tombstone.AddParameter("district", district);
            tombstone.AddParameter("code", code);
            tombstone.AddParameter("version", version);
            tombstone.AddParameter("deleted", Bool(true));
            if (await tombstone.ExecuteNonQueryAsync(cancellationToken) > 0)
            {
                await ReplaceLinksAsync(connection, transaction, district, code, [], cancellationToken);
            }

            return 0;
        }, cancellationToken);

    public Task<IReadOnlyList<PoliceAreaSnapshot>> ListAsync(string district, string? after, int limit, CancellationToken cancellationToken) => RunAsync(
        $"SELECT {Columns} WHERE district = @district AND deleted = @deleted AND code > @after ORDER BY code LIMIT @limit",
        command =>
        {
            command.AddParameter("district", district);
            command.AddParameter("deleted", Bool(false));
            command.AddParameter("after", after ?? "");
            command.AddParameter("limit", limit);
        },
        command => command.ReadAllAsync(ReadSnapshot, cancellationToken),
        cancellationToken);

    public Task<IReadOnlyList<string>> NearAsync(string district, double[]? envelope, string gridCode, CancellationToken cancellationToken) => RunAsync(
        """
        SELECT code FROM gridgov_police_areas
        WHERE district = @district AND deleted = @deleted
          AND min_lon <= @max_lon AND max_lon >= @min_lon AND min_lat <= @max_lat AND max_lat >= @min_lat
        UNION
        SELECT area_code FROM gridgov_police_area_grids WHERE district = @district AND grid_code = @grid
        """,
        command =>
        {
            command.AddParameter("district", district);
            command.AddParameter("deleted", Bool(false));
            // Without an envelope (a grid that never had a boundary) only the linked areas are near.
            command.AddParameter("min_lon", envelope?[0] ?? 1.0);
            command.AddParameter("min_lat", envelope?[1] ?? 1.0);
            command.AddParameter("max_lon", envelope?[2] ?? 0.0);
            command.AddParameter("max_lat", envelope?[3] ?? 0.0);
            command.AddParameter("grid", gridCode);
        },
        command => command.ReadAllAsync(r => r.GetString(0), cancellationToken),
        cancellationToken);

    public Task<IReadOnlyList<PoliceAreaSnapshot>> CandidatesAtAsync(string district, double lat, double lon, CancellationToken cancellationToken) => RunAsync(
        $"SELECT {Columns} WHERE district = @district AND deleted = @deleted AND min_lon <= @lon AND max_lon >= @lon AND min_lat <= @lat AND max_lat >= @lat",
        command =>
        {
            command.AddParameter("district", district);
            command.AddParameter("deleted", Bool(false));
            command.AddParameter("lat", lat);
            command.AddParameter("lon", lon);
        },
        command => command.ReadAllAsync(ReadSnapshot, cancellationToken),
        cancellationToken);

    public Task<IReadOnlyList<PoliceAreaSnapshot>> LinkedToGridAsync(string district, string gridCode, CancellationToken cancellationToken) => RunAsync(
        """
        SELECT a.snapshot FROM gridgov_police_area_grids g
        JOIN gridgov_police_areas a ON a.district = g.district AND a.code = g.area_code
        WHERE g.district = @district AND g.grid_code = @grid AND a.deleted = @deleted
        ORDER BY a.code
        """,
        command =>
        {
            command.AddParameter("district", district);
            command.AddParameter("grid", gridCode);
            command.AddParameter("deleted", Bool(false));
        },
        command => command.ReadAllAsync(ReadSnapshot, cancellationToken),
        cancellationToken);

    public async Task<PoliceAreaIndicators> IndicatorsAsync(string district, string code, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await RunAsync(
            """
            SELECT state, overdue, count(*) FROM gridgov_cases
            WHERE district = @district AND police_area = @code
            GROUP BY state, overdue
            """,
            command =>
            {
                command.AddParameter("district", district);
                command.AddParameter("code", code);
            },
            command => command.ReadAllAsync(r => (State: r.GetString(0), Overdue: Convert.ToBoolean(r.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), Count: r.GetInt64(2)), cancellationToken),
            cancellationToken);

        static bool IsOpen(string s) => s is "Reported" or "Filed" or "Dispatched" or "InProgress" or "Resolved";
        static bool IsClosed(string s) => s is "Closed" or "Evaluated";
        return new PoliceAreaIndicators(
            district,
            code,
            rows.GroupBy(r => r.State).ToDictionary(g => char.ToLowerInvariant(g.Key[0]) + g.Key[1..], g => g.Sum(r => r.Count)),
            rows.Sum(r => r.Count),
            rows.Where(r => IsOpen(r.State)).Sum(r => r.Count),
            rows.Where(r => IsOpen(r.State) && r.Overdue).Sum(r => r.Count),
            rows.Where(r => IsClosed(r.State) && !r.Overdue).Sum(r => r.Count),
            rows.Where(r => IsClosed(r.State) && r.Overdue).Sum(r => r.Count));
    }

    private async Task ReplaceLinksAsync(DbConnection connection, DbTransaction transaction, string district, string code, IReadOnlyList<string> grids, CancellationToken cancellationToken)
    {
        await using (var clear = connection.Command("DELETE FROM gridgov_police_area_grids WHERE district = @district AND area_code = @code", transaction))
        {
            clear.AddParameter("district", district);
            clear.AddParameter("code", code);
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var grid in grids)
        {
            await using var link = connection.Command(
                "INSERT INTO gridgov_police_area_grids (district, grid_code, area_code) VALUES (@district, @grid, @code) ON CONFLICT DO NOTHING",
                transaction);
            link.AddParameter("district", district);
            link.AddParameter("grid", grid);
            link.AddParameter("code", code);
            await link.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>A boolean as each database stores it (boolean on PostgreSQL, 0/1 on SQLite).</summary>
    private object Bool(bool value) => database == DatabaseKind.PostgreSql ? value : value ? 1 : 0;

    private static PoliceAreaSnapshot ReadSnapshot(DbDataReader reader) =>
        JsonSerializer.Deserialize<PoliceAreaSnapshot>(reader.GetString(0), Json)!;

    private Task<T> RunAsync<T>(string sql, Action<DbCommand> bind, Func<DbCommand, Task<T>> execute, CancellationToken cancellationToken) =>
        Database.RunAsync(database, connectionString, sql, bind, execute, cancellationToken);
}
