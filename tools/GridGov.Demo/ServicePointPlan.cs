namespace GridGov.Demo;

/// <summary>One opening interval, as the API takes it.</summary>
internal sealed record HoursBody(string Day, string Opens, string Closes);

/// <summary>A service point as the API takes it (PUT /api/v1/service-points/{id}).</summary>
internal sealed record ServicePointBody(string Kind, string Name, double Lat, double Lon, string? Address, IReadOnlyList<HoursBody> Hours);

internal sealed record ServicePointPlan(string Id, ServicePointBody Body);

/// <summary>
/// The district's 15-minute service circle (15分钟社区综合服务圈): in every urban community a Party–masses service centre,
/// a police post, a grid station for every three grids, and clinics, pharmacies, elder canteens, day care,
/// kindergartens, a school and markets; in every village a service centre, a grid station and a clinic, and some of
/// the rest. Each point stands inside a grid of its community chosen by the seed (the first of each kind near the
/// community's centre), so some households reach every kind within 15 minutes and others do not.
/// </summary>
internal static class ServicePointPlans
{
    private static readonly string[] Weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday"];
    private static readonly string[] Week = [.. Weekdays, "saturday", "sunday"];

    /// <summary>Per kind: its name suffix, how many an urban community has, the chance a village has one, and its hours.</summary>
    private static readonly (string Kind, string Name, int Urban, double Village, HoursBody[] Hours)[] Kinds =
    [
        ("partyMassesServiceCentre", "党群服务中心", 1, 1, Days(Weekdays, ("08:30", "12:00"), ("14:30", "17:30"))),
        ("policePost", "警务室", 1, 0.3, Days(Week, ("00:00", "24:00"))),
        ("clinic", "卫生服务站", 2, 1, [.. Days(Weekdays, ("08:00", "12:00"), ("14:30", "17:30")), new HoursBody("saturday", "08:00", "12:00")]),
        ("pharmacy", "药店", 2, 0.4, Days(Week, ("08:00", "22:00"))),
        ("elderCanteen", "长者饭堂", 2, 0.5, Days(Week, ("11:00", "13:00"), ("17:00", "18:30"))),
        ("elderCare", "日间照料中心", 1, 0.2, Days([.. Weekdays, "saturday"], ("08:00", "17:30"))),
        ("kindergarten", "幼儿园", 2, 0.5, Days(Weekdays, ("07:30", "17:30"))),
        ("school", "小学", 1, 0.5, Days(Weekdays, ("07:30", "17:30"))),
        ("market", "农贸市场", 2, 0.4, Days(Week, ("06:00", "19:00"))),
    ];

    public static IReadOnlyList<ServicePointPlan> Build(DistrictPlan district, int seed)
    {
        var shapes = district.Territory.ToDictionary(t => t.Code, StringComparer.Ordinal);
        var points = new List<ServicePointPlan>();
        foreach (var community in district.Territory.Where(t => t.Code.Length == 12))
        {
            var rng = Rng.For(seed, "service-points", long.Parse(community.Code, System.Globalization.CultureInfo.InvariantCulture));
            var grids = district.Grids.Where(g => g.Code.StartsWith(community.Code, StringComparison.Ordinal)).ToArray();
            var urban = grids[0].Urban;
            // The community's service complex (综合服务体): the first point of every kind stands in one of the three
            // grids nearest the community's centre, the others anywhere in it, so the centre's households reach all.
            var centre = Middle(community.Shape);
            var hub = grids.OrderBy(g => Far(Middle(shapes[g.Code].Shape), centre)).ThenBy(g => g.Code, StringComparer.Ordinal).Take(3).ToArray();
            var n = 0;
            void Add(string kind, string name, HoursBody[] hours, GridPlan grid)
            {
                var (lat, lon) = Inside(shapes[grid.Code].Shape, rng);
                n++;
                points.Add(new ServicePointPlan(
                    $"{DistrictPlan.District}-SP{community.Code[6..]}{n:D2}",
                    new ServicePointBody(kind, $"{community.Name}{name}", lat, lon, $"{grid.Name}", hours)));
            }

            foreach (var (kind, name, perUrban, villageChance, hours) in Kinds)
            {
                var count = urban ? perUrban : rng.Chance(villageChance) ? 1 : 0;
                for (var i = 0; i < count; i++)
                {
                    Add(kind, count > 1 ? $"{name}（{Names.Chinese(i + 1)}）" : name, hours, rng.Pick(i == 0 ? hub : grids));
                }
            }

            // Grid stations (网格工作站): one for every three grids in town, one per village.
            for (var i = 0; i < (urban ? (grids.Length + 2) / 3 : 1); i++)
            {
                var grid = grids[Math.Min(grids.Length - 1, i * 3)];
                Add("gridStation", $"{grid.Name}工作站", Days(Weekdays, ("08:30", "17:30")), grid);
            }
        }

        return points;
    }

    /// <summary>A point well inside the quad (a fifth of its size away from each side), rounded to about a metre.</summary>
    private static (double Lat, double Lon) Inside(GeoQuad q, Rng rng)
    {
        var u = rng.Between(0.2, 0.8);
        var v = rng.Between(0.2, 0.8);
        var lat = q.South + (q.North - q.South) * v;
        var west = q.WestSouth + (q.WestNorth - q.WestSouth) * v;
        var east = q.EastSouth + (q.EastNorth - q.EastSouth) * v;
        return (Math.Round(lat, 5), Math.Round(west + (east - west) * u, 5));
    }

    private static (double Lat, double Lon) Middle(GeoQuad q) =>
        ((q.North + q.South) / 2, (q.WestNorth + q.WestSouth + q.EastNorth + q.EastSouth) / 4);

    /// <summary>A distance good enough to rank grids by (degrees, longitude shrunk at the district's latitude).</summary>
    private static double Far((double Lat, double Lon) a, (double Lat, double Lon) b) =>
        Math.Pow(a.Lat - b.Lat, 2) + Math.Pow((a.Lon - b.Lon) * 0.95, 2);

    private static HoursBody[] Days(IEnumerable<string> days, params (string Opens, string Closes)[] intervals) =>
        days.SelectMany(d => intervals.Select(i => new HoursBody(d, i.Opens, i.Closes))).ToArray();
}
