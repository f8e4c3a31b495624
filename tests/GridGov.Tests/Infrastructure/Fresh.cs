using System.Net;
using System.Net.Sockets;

namespace GridGov.Tests.Infrastructure;

/// <summary>Fresh keys and ports, so tests never share an entity and can run in parallel.</summary>
public static class Fresh
{
    private static int _counter = Random.Shared.Next(0, 40_000);
    private static readonly HashSet<int> Handed = [];

    /// <summary>A district code no other test in this run uses.</summary>
    public static string District()
    {
        var n = Interlocked.Increment(ref _counter);
        return (100_000 + (n % 899_999)).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A south-west corner of land that belongs to this district alone (0.5° × 0.5° cells; nothing lies north of 80°),
    /// so tests that locate points never see each other's polygons.
    /// </summary>
    public static (double Lon, double Lat) Origin(string district)
    {
        var n = int.Parse(district, System.Globalization.CultureInfo.InvariantCulture);
        return (-170 + (n % 600) * 0.5, -80 + (n / 600 % 300) * 0.5);
    }

    public static int Port()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }

    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "gridgov-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}

/// <summary>Small GeoJSON builders for tests: axis-aligned boxes in lon/lat.</summary>
public static class Geo
{
    public static string Box(double minLon, double minLat, double maxLon, double maxLat) =>
        FormattableString.Invariant(
            $$"""{"type":"Polygon","coordinates":[[[{{minLon}},{{minLat}}],[{{maxLon}},{{minLat}}],[{{maxLon}},{{maxLat}}],[{{minLon}},{{maxLat}}],[{{minLon}},{{minLat}}]]]}""");

    public static string Feature(string code, string name, string geometry) =>
        $$"""{"type":"Feature","properties":{"code":"{{code}}","name":"{{name}}"},"geometry":{{geometry}}}""";

    public static string Collection(params string[] features) =>
        $$"""{"type":"FeatureCollection","features":[{{string.Join(",", features)}}]}""";
}
