using System.Data.Common;
using System.Globalization;
using System.Text;
using GridGov.Contracts.Patrols;
using GridGov.Hosting.Storage;

namespace GridGov.Hosting.Patrols;

/// <summary>
/// Patrols' rows, tracks and micro-grids reached (<c>gridgov_patrols</c>, <c>gridgov_patrol_tracks</c>,
/// <c>gridgov_patrol_micro_grids</c>), and the figures per grid and worker summed from them in one statement each.
/// </summary>
internal sealed class AdoNetPatrolReadModel(DatabaseKind database, string connectionString) : IPatrolReadModel
{
    public Task SaveAsync(PatrolRow row, int? batch, IReadOnlyList<TrackPoint>? points, IReadOnlyList<string> microGrids, CancellationToken cancellationToken) =>
        Database.WriteAsync(
            database,
            connectionString,
            async (connection, transaction) =>
            {
                await using (var upsert = connection.Command(
                    """
                    INSERT INTO gridgov_patrols (id, district, worker, grid_code, day, started_at, ended_at, points, distance_m, seconds, micro_grids)
                    VALUES (@id, @district, @worker, @grid, @day, @started, @ended, @points, @distance, @seconds, @micro)
                    ON CONFLICT (id) DO UPDATE SET ended_at = excluded.ended_at, points = excluded.points,
                        distance_m = excluded.distance_m, seconds = excluded.seconds
                    """,
                    transaction))
                {
                    upsert.AddParameter("id", row.Id);
                    upsert.AddParameter("district", row.District);
                    upsert.AddParameter("worker", row.Worker);
                    upsert.AddParameter("grid", row.GridCode);
                    upsert.AddParameter("day", row.Day);
                    upsert.AddTimestamp(database, "started", row.StartedAt);
                    upsert.AddTimestamp(database, "ended", row.EndedAt);
                    upsert.AddParameter("points", row.Points);
                    upsert.AddParameter("distance", row.DistanceMetres);
                    upsert.AddParameter("seconds", row.Seconds);
                    upsert.AddParameter("micro", row.MicroGrids);
                    await upsert.ExecuteNonQueryAsync(cancellationToken);
                }

                if (batch is { } seq && points is not null)
                {
                    await using var track = connection.Command(
                        "INSERT INTO gridgov_patrol_tracks (patrol_id, batch, points) VALUES (@id, @batch, @points) ON CONFLICT (patrol_id, batch) DO NOTHING",
                        transaction);
                    track.AddParameter("id", row.Id);
                    track.AddParameter("batch", seq);
                    track.AddParameter("points", Encode(points));
                    await track.ExecuteNonQueryAsync(cancellationToken);
                }

                foreach (var micro in microGrids)
                {
                    await using var reached = connection.Command(
                        """
                        INSERT INTO gridgov_patrol_micro_grids (patrol_id, micro_grid, grid_code, district, worker, day)
                        VALUES (@id, @micro, @grid, @district, @worker, @day) ON CONFLICT (patrol_id, micro_grid) DO NOTHING
                        """,
                        transaction);
                    reached.AddParameter("id", row.Id);
                    reached.AddParameter("micro", micro);
                    reached.AddParameter("grid", row.GridCode);
                    reached.AddParameter("district", row.District);
                    reached.AddParameter("worker", row.Worker);
                    reached.AddParameter("day", row.Day);
                    await reached.ExecuteNonQueryAsync(cancellationToken);
                }

                return true;
            },
            cancellationToken);

    public Task<IReadOnlyList<TrackPoint>> TrackAsync(string patrolId, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            "SELECT points FROM gridgov_patrol_tracks WHERE patrol_id = @id ORDER BY batch",
            command => command.AddParameter("id", patrolId),
            async command =>
            {
                var chunks = await command.ReadAllAsync(reader => reader.GetString(0), cancellationToken);
                return (IReadOnlyList<TrackPoint>)chunks.SelectMany(Decode).ToArray();
            },
            cancellationToken);

    public async Task<PatrolStatsRow?> GridStatsAsync(string gridCode, int fromDay, int toDay, CancellationToken cancellationToken)
    {
        var rows = await Database.RunAsync(
            database,
            connectionString,
            """
            SELECT p.grid_code, COUNT(*), SUM(p.distance_m), SUM(p.seconds), MAX(p.micro_grids),
                (SELECT COUNT(DISTINCT v.micro_grid) FROM gridgov_patrol_micro_grids v
                 WHERE v.grid_code = p.grid_code AND v.day >= @from AND v.day <= @to)
            FROM gridgov_patrols p
            WHERE p.grid_code = @grid AND p.day >= @from AND p.day <= @to
            GROUP BY p.grid_code
            """,
            command =>
            {
                command.AddParameter("grid", gridCode);
                command.AddParameter("from", fromDay);
                command.AddParameter("to", toDay);
            },
            command => command.ReadAllAsync(Stats, cancellationToken),
            cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<PatrolStatsRow>> WorkerStatsAsync(string district, string worker, int fromDay, int toDay, CancellationToken cancellationToken) =>
        Database.RunAsync(
            database,
            connectionString,
            $"""
            SELECT p.grid_code, COUNT(*), SUM(p.distance_m), SUM(p.seconds), MAX(p.micro_grids),
                (SELECT COUNT(DISTINCT v.micro_grid) FROM gridgov_patrol_micro_grids v
                 WHERE v.district = p.district AND v.worker = p.worker AND v.grid_code = p.grid_code AND v.day >= @from AND v.day <= @to)
            FROM gridgov_patrols p
            WHERE p.district = @district AND p.worker = @worker AND p.day >= @from AND p.day <= @to
            GROUP BY p.district, p.worker, p.grid_code
            ORDER BY {(database == DatabaseKind.PostgreSql ? "p.grid_code COLLATE \"C\"" : "p.grid_code")}
            """,
            command =>
            {
                command.AddParameter("district", district);
                command.AddParameter("worker", worker);
                command.AddParameter("from", fromDay);
                command.AddParameter("to", toDay);
            },
            command => command.ReadAllAsync(Stats, cancellationToken),
            cancellationToken);

    private static PatrolStatsRow Stats(DbDataReader r) => new(
        r.GetString(0), Int(r.GetValue(1)), Convert.ToDouble(r.GetValue(2), CultureInfo.InvariantCulture),
        Convert.ToDouble(r.GetValue(3), CultureInfo.InvariantCulture), Int(r.GetValue(4)), Int(r.GetValue(5)));

    private static int Int(object value) => Convert.ToInt32(value, CultureInfo.InvariantCulture);

    /// <summary>A chunk as text: <c>lat,lon,unix-ms;</c> per point, coordinates round-tripping exactly.</summary>
    internal static string Encode(IReadOnlyList<TrackPoint> points)
    {
        var text = new StringBuilder(points.Count * 40);
        foreach (var p in points)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.Lat:R},{p.Lon:R},{p.At.ToUnixTimeMilliseconds()};");
        }

        return text.ToString();
    }

    internal static IEnumerable<TrackPoint> Decode(string chunk)
    {
        foreach (var point in chunk.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = point.Split(',');
            yield return new TrackPoint(
                double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[2], CultureInfo.InvariantCulture)));
        }
    }
}
