namespace GridGov.Grains.Cases;

/// <summary>Great-circle distance (haversine), in metres.</summary>
public static class Distance
{
    private const double EarthRadiusMetres = 6_371_008.8;
    private const double MetresPerDegree = EarthRadiusMetres * Math.PI / 180;

    /// <summary>Whether two points are within <paramref name="metres"/>; most far points are ruled out by latitude alone, without trigonometry.</summary>
    public static bool Within(double lat1, double lon1, double lat2, double lon2, double metres) =>
        Math.Abs(lat2 - lat1) * MetresPerDegree <= metres && Metres(lat1, lon1, lat2, lon2) <= metres;

    public static double Metres(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMetres * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
