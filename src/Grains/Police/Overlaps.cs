using GridGov.Contracts.Territory;
using GridGov.Grains.Territory;
using NetTopologySuite.Geometries;

namespace GridGov.Grains.Police;

/// <summary>
/// Which comprehensive grids a police area's boundary overlaps: those whose polygon shares a positive area with it.
/// Grids that only touch it along a border or at a corner share a line or a point, whose area is zero; a sliver below
/// a millionth of the smaller polygon (floating-point noise of two boundaries drawn along the same street) does not
/// count either.
/// </summary>
internal static class Overlaps
{
    public const double MinShare = 1e-6;

    public static IReadOnlyList<string> Compute(Geometry area, IEnumerable<TerritoryIndexEntry> nodes)
    {
        var grids = new List<string>();
        var envelope = area.EnvelopeInternal;
        foreach (var node in nodes)
        {
            if (node.Boundary is null || TerritoryCode.LevelOf(node.Code) != TerritoryLevel.Grid)
            {
                continue;
            }

            var grid = Boundaries.Parse(node.Boundary);
            if (Overlap(area, grid, envelope))
            {
                grids.Add(node.Code);
            }
        }

        grids.Sort(StringComparer.Ordinal);
        return grids;
    }

    public static bool Overlap(Geometry a, Geometry b) => Overlap(a, b, a.EnvelopeInternal);

    private static bool Overlap(Geometry a, Geometry b, Envelope aEnvelope)
    {
        if (!aEnvelope.Intersects(b.EnvelopeInternal) || !a.Intersects(b))
        {
            return false;
        }

        var shared = a.Intersection(b).Area;
        return shared > MinShare * Math.Min(a.Area, b.Area);
    }

    /// <summary>The bounding box (min lon, min lat, max lon, max lat) of a geometry.</summary>
    public static double[] EnvelopeOf(Geometry g)
    {
        var e = g.EnvelopeInternal;
        return [e.MinX, e.MinY, e.MaxX, e.MaxY];
    }
}
