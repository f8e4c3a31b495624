using System.Diagnostics;
using GridGov.Contracts.Territory;
using GridGov.Grains.Territory;
using GridGov.Tests.Infrastructure;
using Xunit.Abstractions;

namespace GridGov.Tests.Cases;

/// <summary>Which grids a report near a border asks for duplicates: those whose boundary lies within the distance.</summary>
public sealed class NearbyNodesTests(ITestOutputHelper log)
{
    private const string District = "460204";
    private const double Size = 0.005;
    private const double Lat0 = 18.25;
    private const double Lon0 = 109.5;

    /// <summary>A 20 × 20 block of grids of 0.005° (about 530 m), the size of a district's 389, and one micro-grid.</summary>
    private static DistrictIndex Index()
    {
        var index = new DistrictIndex();
        index.Upsert(new TerritoryIndexEntry(District, "District", Geo.Box(Lon0, Lat0, Lon0 + (20 * Size), Lat0 + (20 * Size)), 1));
        for (var row = 0; row < 20; row++)
        {
            for (var column = 0; column < 20; column++)
            {
                var (lon, lat) = (Lon0 + (column * Size), Lat0 + (row * Size));
                index.Upsert(new TerritoryIndexEntry(Code(row, column), "Grid", Geo.Box(lon, lat, lon + Size, lat + Size), 1));
            }
        }

        // A micro-grid in the south-west corner of grid (0, 1).
        index.Upsert(new TerritoryIndexEntry(Code(0, 1) + "01", "Micro-grid", Geo.Box(Lon0 + Size, Lat0, Lon0 + Size + 0.001, Lat0 + 0.001), 1));
        return index;
    }

    private static string Code(int row, int column) => FormattableString.Invariant($"{District}{row + 1:000}{column + 1:000}001");

    private static double MetresOfLongitude(double metres) => metres / (111_195.0 * Math.Cos(Lat0 * Math.PI / 180));

    [Fact]
    public void A_point_near_a_border_names_the_grid_across_it_and_a_point_far_inside_names_none()
    {
        var tree = Index().Tree();
        var border = Lon0 + Size;
        var lat = Lat0 + (Size / 2);

        Assert.Equal([Code(0, 1)], NearbyNodes.Near(tree, lat, border - MetresOfLongitude(30), 50, except: Code(0, 0)));
        Assert.Empty(NearbyNodes.Near(tree, lat, border - MetresOfLongitude(60), 50, except: Code(0, 0)));
        Assert.Empty(NearbyNodes.Near(tree, lat, Lon0 + (Size / 2), 50, except: Code(0, 0)));
        // Near the micro-grid's corner: the grid across the border and its micro-grid; never the district itself.
        Assert.Equal(
            [Code(0, 1), Code(0, 1) + "01"],
            NearbyNodes.Near(tree, Lat0 + 0.0005, border - MetresOfLongitude(20), 50, except: Code(0, 0)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_lookup_costs_microseconds()
    {
        var tree = Index().Tree();
        var random = new Random(7);
        var points = Enumerable.Range(0, 2_000).Select(_ => (Lat0 + (random.NextDouble() * 20 * Size), Lon0 + (random.NextDouble() * 20 * Size))).ToArray();
        var found = 0;
        foreach (var (lat, lon) in points)
        {
            found += NearbyNodes.Near(tree, lat, lon, 50, except: null).Count;
        }

        var started = Stopwatch.GetTimestamp();
        found = 0;
        foreach (var (lat, lon) in points)
        {
            found += NearbyNodes.Near(tree, lat, lon, 50, except: null).Count;
        }

        var perPoint = Stopwatch.GetElapsedTime(started) / points.Length;
        started = Stopwatch.GetTimestamp();
        foreach (var (lat, lon) in points)
        {
            found += DistrictIndex.Locate(tree, lat, lon).Grid is null ? 0 : 1;
        }

        var perLocate = Stopwatch.GetElapsedTime(started) / points.Length;
        log.WriteLine($"{points.Length} lookups among 400 grids: {perPoint.TotalMicroseconds:0.0} µs each (a locate: {perLocate.TotalMicroseconds:0.0} µs)");
        // Generous for a shared 2-core machine: the point is that it is far below a grain call (about 100 µs).
        Assert.True(perPoint < TimeSpan.FromMilliseconds(2), $"{perPoint.TotalMicroseconds} µs per lookup");
    }
}
