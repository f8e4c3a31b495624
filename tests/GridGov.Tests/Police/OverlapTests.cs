using GridGov.Contracts.Territory;
using GridGov.Grains.Police;
using GridGov.Grains.Territory;
using static GridGov.Tests.Infrastructure.Geo;

namespace GridGov.Tests.Police;

/// <summary>Which grids a police area overlaps, on hand-made boundaries: a shared area counts, a shared border does not.</summary>
public sealed class OverlapTests
{
    private static TerritoryIndexEntry Grid(string code, string? boundary) => new(code, code, boundary, 1);

    [Fact]
    public void Grids_sharing_an_area_overlap_and_grids_sharing_only_a_border_or_corner_do_not()
    {
        var grids = new[]
        {
            Grid("460202001001001", Box(0, 0, 1, 1)),
            Grid("460202001001002", Box(1, 0, 2, 1)),     // shares the area's east border only
            Grid("460202001001003", Box(1, 1, 2, 2)),     // shares its north-east corner only
            Grid("460202001001004", Box(0.5, 0.5, 3, 3)), // a quarter of the area
            Grid("460202001001005", Box(0.2, 0.2, 0.3, 0.3)), // inside it
            Grid("460202001001006", Box(5, 5, 6, 6)),     // far away
            Grid("460202001001007", null),                // no boundary
            Grid("460202001001", Box(0, 0, 1, 1)),        // a community, not a grid
        };

        var area = Boundaries.Parse(Box(0, 0, 1, 1));

        Assert.Equal(["460202001001001", "460202001001004", "460202001001005"], Overlaps.Compute(area, grids));
    }

    [Fact]
    public void A_sliver_from_two_boundaries_drawn_along_the_same_street_does_not_count()
    {
        var area = Boundaries.Parse(Box(0, 0, 1, 1));
        Assert.False(Overlaps.Overlap(area, Boundaries.Parse(Box(1 - 1e-9, 0, 2, 1))));
        Assert.True(Overlaps.Overlap(area, Boundaries.Parse(Box(0.99, 0, 2, 1))));
    }

    [Fact]
    public void A_multipolygon_area_overlaps_the_grids_of_each_of_its_parts()
    {
        var area = Boundaries.Parse("""{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[4,0],[5,0],[5,1],[4,1],[4,0]]]]}""");
        var grids = new[] { Grid("460202001001001", Box(0.5, 0, 1.5, 1)), Grid("460202001001002", Box(2, 0, 3, 1)), Grid("460202001001003", Box(3.5, 0.5, 4.5, 2)) };
        Assert.Equal(["460202001001001", "460202001001003"], Overlaps.Compute(area, grids));
    }
}
