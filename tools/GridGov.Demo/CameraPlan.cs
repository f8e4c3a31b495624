namespace GridGov.Demo;

internal sealed record CameraLabelBody(string Label, string Category, double Threshold, int WindowMinutes);

internal sealed record CameraBody(string Name, double Lat, double Lon, string Address, IReadOnlyList<CameraLabelBody> Labels);

internal sealed record CameraPlanned(string Code, CameraBody Body);

/// <summary>The registry's read of a camera, as far as the demo compares it with its plan.</summary>
internal sealed record CameraRead(string Name, double Lat, double Lon, string? Address, IReadOnlyList<CameraLabelBody> Labels);

/// <summary>
/// The district's AI cameras (AI智算): one at a crossing of every tenth grid, inside a micro-grid where the grid has
/// them (their cases go to its chief), each a network camera (GB/T 28181 type 132) numbered in order, detecting two or
/// three of the labels the command centre watches, with thresholds and repeat windows. Deterministic from the seed.
/// </summary>
internal static class CameraPlans
{
    private static readonly CameraLabelBody[] Labels =
    [
        new("illegal-parking", "event.street-order", 0.8, 30),
        new("street-vending", "event.street-order", 0.75, 60),
        new("garbage-overflow", "event.environment", 0.6, 120),
        new("illegal-advertising", "event.advertising", 0.7, 240),
    ];

    private static readonly string[] Places = ["路口", "广场", "市场入口", "小区北门", "公交站", "停车场"];

    public static IReadOnlyList<CameraPlanned> Build(DistrictPlan district, int seed)
    {
        var shapes = district.Territory.ToDictionary(t => t.Code, t => t.Shape, StringComparer.Ordinal);
        var cameras = new List<CameraPlanned>();
        for (var i = 0; i * 10 < district.Grids.Count; i++)
        {
            var rng = Rng.For(seed, "camera", i);
            var grid = district.Grids[i * 10];
            var where = grid.MicroGrids.Count > 0 ? rng.Pick(grid.MicroGrids).Shape : shapes[grid.Code];
            var (lat, lon) = Inside(where, rng);
            var labels = Labels.Where(_ => rng.Chance(0.6)).ToArray() is { Length: >= 2 } some ? some : Labels[..2];
            var place = rng.Pick(Places);
            cameras.Add(new CameraPlanned(
                $"{DistrictPlan.District}00011320{i + 1:D6}",
                new CameraBody($"{grid.Name}{place}摄像机", lat, lon, $"{grid.Name}{place}", labels)));
        }

        return cameras;
    }

    /// <summary>A point well inside the quad (20–80 % of the way across each way), rounded to 10⁻⁶°.</summary>
    private static (double Lat, double Lon) Inside(GeoQuad q, Rng rng)
    {
        var t = rng.Between(0.2, 0.8);
        var s = rng.Between(0.2, 0.8);
        var west = q.WestNorth + t * (q.WestSouth - q.WestNorth);
        var east = q.EastNorth + t * (q.EastSouth - q.EastNorth);
        return (Math.Round(q.North - t * (q.North - q.South), 6), Math.Round(west + s * (east - west), 6));
    }
}
