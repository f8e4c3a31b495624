namespace GridGov.Demo;

/// <summary>One patrol of the week: its worker, grid, times and track (a few hundred points, one every 10 s).</summary>
internal sealed record PatrolPlan(string Worker, string GridCode, DateOnly Day, DateTimeOffset StartedAt, DateTimeOffset EndedAt, IReadOnlyList<PatrolPoint> Points)
{
    public override string ToString() => $"patrol of {Worker} on {Day:yyyy-MM-dd}";
}

internal sealed record PatrolPoint(double Lat, double Lon, DateTimeOffset At);

/// <summary>
/// A week of patrols (人在网格走): the first grid worker of each of the first <see cref="Grids"/> grids that have
/// micro-grids walks their grid once a day, the seven days before today (China Standard Time), in the morning. The
/// track is a walk at about 1.2 m/s that turns now and then and stays inside the grid's bounding box. The same seed
/// gives the same patrols for the same today.
/// </summary>
internal static class PatrolPlans
{
    public const int Grids = 10;
    public const int Days = 7;
    public const int PointsPerPatrol = 300;
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

    public static IReadOnlyList<PatrolPlan> Build(DistrictPlan district, int seed, DateOnly today)
    {
        var shapes = district.Territory.ToDictionary(t => t.Code, t => t.Shape, StringComparer.Ordinal);
        var patrols = new List<PatrolPlan>();
        foreach (var grid in district.Grids.Where(g => g.MicroGrids.Count > 0).OrderBy(g => g.Code, StringComparer.Ordinal).Take(Grids))
        {
            var box = shapes[grid.Code];
            var (west, east) = (Math.Max(box.WestNorth, box.WestSouth), Math.Min(box.EastNorth, box.EastSouth));
            for (var back = Days; back >= 1; back--)
            {
                var day = today.AddDays(-back);
                var rng = Rng.For(seed, "patrol-" + day.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture), long.Parse(grid.Code, System.Globalization.CultureInfo.InvariantCulture));
                var start = new DateTimeOffset(day.ToDateTime(new TimeOnly(8, 30)), ChinaTime).AddMinutes(rng.Between(0, 90)).ToUniversalTime();
                var (lat, lon) = (rng.Between(box.South, box.North), rng.Between(west, east));
                var heading = rng.Between(0, 2 * Math.PI);
                var points = new List<PatrolPoint>(PointsPerPatrol);
                for (var i = 0; i < PointsPerPatrol; i++)
                {
                    points.Add(new PatrolPoint(Math.Round(lat, 6), Math.Round(lon, 6), start + (i + 1) * Step));
                    if (rng.Chance(0.1))
                    {
                        heading += rng.Between(-Math.PI / 2, Math.PI / 2);
                    }

                    // 12 m a step; a step that would leave the box turns back instead.
                    var (nextLat, nextLon) = (lat + 12 / 110_574.0 * Math.Cos(heading), lon + 12 / 105_720.0 * Math.Sin(heading));
                    if (nextLat < box.South || nextLat > box.North || nextLon < west || nextLon > east)
                    {
                        heading += Math.PI;
                        continue;
                    }

                    (lat, lon) = (nextLat, nextLon);
                }

                patrols.Add(new PatrolPlan(StaffPlans.Worker(grid.Code, 1), grid.Code, day, start, points[^1].At.AddSeconds(30), points));
            }
        }

        return patrols;
    }
}
