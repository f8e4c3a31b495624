namespace GridGov.Demo;

/// <summary>
/// A quadrilateral with a horizontal top and bottom (latitudes) and a left and right side that may lean: the shape of
/// every generated boundary, in WGS-84 degrees. Splitting one into rows or columns gives quads again, and neighbours
/// built from the same cut share the very same vertices, so the pieces tile their parent with no overlap and no gap.
/// </summary>
internal sealed record GeoQuad(double North, double South, double WestNorth, double WestSouth, double EastNorth, double EastSouth)
{
    /// <summary>Metres per degree of longitude at the district's latitude (≈ 18.25° N).</summary>
    private const double MetresPerDegreeLon = 111_320 * 0.9497;
    private const double MetresPerDegreeLat = 110_574;

    public static GeoQuad Rectangle(double west, double south, double east, double north) =>
        new(Round(north), Round(south), Round(west), Round(west), Round(east), Round(east));

    public double WidthMetres => ((EastNorth + EastSouth) / 2 - (WestNorth + WestSouth) / 2) * MetresPerDegreeLon;

    public double HeightMetres => (North - South) * MetresPerDegreeLat;

    /// <summary>Horizontal bands, north to south; the fractions sum to 1. Only rectangles are cut this way, so the cut points stay exactly on the sides.</summary>
    public IReadOnlyList<GeoQuad> SplitRows(IReadOnlyList<double> fractions)
    {
        if (WestNorth != WestSouth || EastNorth != EastSouth)
        {
            throw new InvalidOperationException("Only a rectangle is cut into rows.");
        }

        var rows = new List<GeoQuad>(fractions.Count);
        var top = North;
        var done = 0.0;
        for (var i = 0; i < fractions.Count; i++)
        {
            done += fractions[i];
            var bottom = i == fractions.Count - 1 ? South : Round(North - (North - South) * done);
            rows.Add(this with { North = top, South = bottom });
            top = bottom;
        }

        return rows;
    }

    /// <summary>
    /// Columns, west to east. Each divider runs from a point of the top edge to a point of the bottom edge; with
    /// <paramref name="lean"/> &gt; 0 the bottom point moves by up to that share of the neighbouring columns' widths, so
    /// dividers lean but never cross.
    /// </summary>
    public IReadOnlyList<GeoQuad> SplitColumns(IReadOnlyList<double> fractions, Rng rng, double lean)
    {
        var tops = new double[fractions.Count + 1];
        var bottoms = new double[fractions.Count + 1];
        var cumulative = new double[fractions.Count + 1];
        for (var i = 1; i <= fractions.Count; i++)
        {
            cumulative[i] = cumulative[i - 1] + fractions[i - 1];
        }

        (tops[0], bottoms[0]) = (WestNorth, WestSouth);
        (tops[^1], bottoms[^1]) = (EastNorth, EastSouth);
        for (var i = 1; i < fractions.Count; i++)
        {
            var shift = rng.Between(-lean * fractions[i - 1], lean * fractions[i]);
            tops[i] = Round(WestNorth + (EastNorth - WestNorth) * cumulative[i]);
            bottoms[i] = Round(WestSouth + (EastSouth - WestSouth) * (cumulative[i] + shift));
        }

        return Enumerable.Range(0, fractions.Count)
            .Select(i => new GeoQuad(North, South, tops[i], bottoms[i], tops[i + 1], bottoms[i + 1]))
            .ToArray();
    }

    /// <summary>The exterior ring as GeoJSON positions [lon, lat], counter-clockwise, closed.</summary>
    public double[][] Ring() =>
    [
        [WestSouth, South],
        [EastSouth, South],
        [EastNorth, North],
        [WestNorth, North],
        [WestSouth, South],
    ];

    /// <summary>Micro-degrees (≈ 0.1 m): every vertex is rounded once, where it is made, and reused as is.</summary>
    private static double Round(double degrees) => Math.Round(degrees, 6);
}
