namespace GridGov.Grains.Cases;

/// <summary>A grid of cells of 0.0005° (about 55 m north–south) for finding what lies near a point.</summary>
internal static class Cells
{
    private const double Degrees = 0.0005;
    private const double MetresPerDegreeOfLatitude = 111_195;

    public static (int LatCell, int LonCell) Of(double lat, double lon) =>
        ((int)Math.Floor(lat / Degrees), (int)Math.Floor(lon / Degrees));

    /// <summary>How many cells either way can hold a point within <paramref name="metres"/> of latitude <paramref name="lat"/>.</summary>
    public static (int Lat, int Lon) Reach(double lat, double metres)
    {
        var cellHeight = Degrees * MetresPerDegreeOfLatitude;
        var cellWidth = cellHeight * Math.Max(Math.Cos(lat * Math.PI / 180), 0.01);
        // One more cell east and west: the other point's parallel may be a little shorter than this one's.
        return ((int)Math.Ceiling(metres / cellHeight), (int)Math.Ceiling(metres / cellWidth) + 1);
    }

    /// <summary>Whether cell (<paramref name="latCell"/>, <paramref name="lonCell"/>) comes within about <paramref name="metres"/> of the point.</summary>
    public static bool Nearest(int latCell, int lonCell, double lat, double lon, double metres)
    {
        // The cell's point nearest to this one; the metre of slack covers the flat clamp on a sphere at this scale.
        var nearestLat = Math.Clamp(lat, latCell * Degrees, (latCell + 1) * Degrees);
        var nearestLon = Math.Clamp(lon, lonCell * Degrees, (lonCell + 1) * Degrees);
        return Distance.Metres(lat, lon, nearestLat, nearestLon) <= metres + 1;
    }
}
