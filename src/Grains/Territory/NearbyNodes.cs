using GridGov.Contracts.Territory;
using GridGov.Grains.Cases;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Distance;

namespace GridGov.Grains.Territory;

/// <summary>
/// The grids and micro-grids of a district whose boundary comes within a distance of a point: where a report's
/// duplicate check looks beyond the grid that holds it (a point near a border, the case across it).
/// </summary>
internal static class NearbyNodes
{
    private const double MetresPerDegreeOfLatitude = 111_195;

    /// <summary>The codes, but <paramref name="except"/>'s. Reads the built tree only, so threads may share it (as locates do).</summary>
    public static IReadOnlyList<string> Near(STRtree<DistrictIndex.Node> tree, double lat, double lon, double metres, string? except)
    {
        // The box around the point that holds everything within the distance, a little wider for the sphere.
        var dLat = (metres * 1.01) / MetresPerDegreeOfLatitude;
        var dLon = (metres * 1.01) / (MetresPerDegreeOfLatitude * Math.Max(Math.Cos(lat * Math.PI / 180), 0.01));
        var box = new Envelope(lon - dLon, lon + dLon, lat - dLat, lat + dLat);
        var point = Boundaries.Factory.CreatePoint(new Coordinate(lon, lat));
        List<string>? near = null;
        foreach (var node in tree.Query(box))
        {
            if (node.Level is not (TerritoryLevel.Grid or TerritoryLevel.MicroGrid) || node.Geometry is not { } geometry || node.Entry.Code == except)
            {
                continue;
            }

            // The boundary's point nearest to this one (the point itself when inside), measured on the sphere.
            var nearest = geometry.Covers(point) ? point.Coordinate : DistanceOp.NearestPoints(geometry.Geometry, point)[0];
            if (Distance.Metres(lat, lon, nearest.Y, nearest.X) <= metres)
            {
                (near ??= []).Add(node.Entry.Code);
            }
        }

        return near ?? (IReadOnlyList<string>)[];
    }
}
