using System.Globalization;
using System.Net;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.ServicePoints;

/// <summary>One API (embedded, SQLite) for the service-point tests; each test takes districts of its own.</summary>
public sealed class ServicePointsFixture : IAsyncLifetime
{
    /// <summary>Metres in a degree of latitude on the sphere the distances use: a point n metres due north is n metres away.</summary>
    public const double MetresPerDegree = 6_371_008.8 * Math.PI / 180;

    public ApiFactory Api { get; } = new();

    public HttpClient Operator { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        Operator.Dispose();
        await Api.DisposeAsync();
    }

    /// <summary>
    /// A fresh district (0.4° square at its origin), street {d}001, community {d}001001 with grid {d}001001001 (0.01°
    /// square at the origin), grid {d}001001002 (0.01° square 0.03° north) with micro-grid {d}00100100201 (its southern
    /// half), and grid {d}001001003 without a boundary.
    /// </summary>
    public async Task<string> DistrictAsync()
    {
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        var body = Geo.Collection(
            Geo.Feature(d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{d}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{d}001001", "Community", Geo.Box(x, y, x + 0.1, y + 0.1)),
            Geo.Feature($"{d}001001001", "Grid 1", Geo.Box(x, y, x + 0.01, y + 0.01)),
            Geo.Feature($"{d}001001002", "Grid 2", Geo.Box(x, y + 0.03, x + 0.01, y + 0.04)),
            Geo.Feature($"{d}00100100201", "Micro-grid 2-1", Geo.Box(x, y + 0.03, x + 0.01, y + 0.035)));
        var result = await (await Operator.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();
        Assert.Equal(0, result.GetProperty("rejected").GetArrayLength());
        await (await Operator.PutJsonAsync($"/api/v1/territory/{d}001001003", """{"name":"Grid 3 (no boundary)"}""")).AssertOkAsync(HttpStatusCode.Created);
        return d;
    }

    /// <summary>The point <paramref name="north"/> metres due north (negative: south) of (lat, lon).</summary>
    public static (double Lat, double Lon) North((double Lat, double Lon) from, double north) => (from.Lat + north / MetresPerDegree, from.Lon);

    public async Task<HttpResponseMessage> PutPointAsync(string id, string kind, (double Lat, double Lon) at, string name = "Point", string hours = "[]") =>
        await Operator.PutJsonAsync($"/api/v1/service-points/{id}", string.Create(CultureInfo.InvariantCulture,
            $$"""{"kind":"{{kind}}","name":"{{name}}","lat":{{at.Lat}},"lon":{{at.Lon}},"hours":{{hours}}}"""));
}
