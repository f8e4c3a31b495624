using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Patrols;

/// <summary>One API host; each test builds its own district (<see cref="NewWorldAsync"/>).</summary>
public sealed class PatrolsFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();

    public HttpClient Operator { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    /// <summary>
    /// A fresh district: a 0.1° grid cut into four micro-grids (01 south-west, 02 south-east, 03 north-west, 04
    /// north-east), grid workers w-1 and w-2 with keys, Party member M1 whose staff id is w-1, household H1 linked to M1
    /// and H2 linked to nobody.
    /// </summary>
    public async Task<PatrolWorld> NewWorldAsync()
    {
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        var grid = $"{d}001001001";
        await (await Operator.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{d}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{d}001001", "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature(grid, "Grid", Geo.Box(x, y, x + 0.1, y + 0.1)),
            Geo.Feature($"{grid}01", "SW", Geo.Box(x, y, x + 0.05, y + 0.05)),
            Geo.Feature($"{grid}02", "SE", Geo.Box(x + 0.05, y, x + 0.1, y + 0.05)),
            Geo.Feature($"{grid}03", "NW", Geo.Box(x, y + 0.05, x + 0.05, y + 0.1)),
            Geo.Feature($"{grid}04", "NE", Geo.Box(x + 0.05, y + 0.05, x + 0.1, y + 0.1))))).AssertOkAsync();
        await (await Operator.PutJsonAsync($"/api/v1/party-organizations/{d}-PO1", """{"kind":"committee","name":"党委"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await Operator.PutJsonAsync($"/api/v1/party-members/{d}-M1", $$"""{"name":"党员","status":"full","joined":"2010-07-01","organizationId":"{{d}}-PO1","staffId":"w-1"}""")).AssertOkAsync(HttpStatusCode.Created);
        foreach (var household in new[] { $"{d}-H1", $"{d}-H2" })
        {
            await (await Operator.PutJsonAsync($"/api/v1/households/{household}", $$"""{"gridCode":"{{grid}}","building":"1","room":"101"}""")).AssertOkAsync(HttpStatusCode.Created);
        }

        await (await Operator.PostJsonAsync($"/api/v1/households/{d}-H1/link", $$"""{"memberId":"{{d}}-M1"}""")).AssertOkAsync();
        var w1 = Api.CreateClient(await Api.CreateKeyAsync(Roles.GridWorker, d, staffId: "w-1"));
        var w2 = Api.CreateClient(await Api.CreateKeyAsync(Roles.GridWorker, d, staffId: "w-2"));
        return new PatrolWorld(d, grid, x, y, Operator, w1, w2);
    }
}

public sealed record PatrolWorld(string D, string Grid, double X, double Y, HttpClient Operator, HttpClient W1, HttpClient W2)
{
    /// <summary>Starts a patrol of the grid as the worker, answering its id and start time.</summary>
    public async Task<(string Id, DateTimeOffset StartedAt)> StartAsync(HttpClient worker)
    {
        var patrol = await (await worker.PostJsonAsync("/api/v1/patrols", $$"""{"gridCode":"{{Grid}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        return (patrol.GetProperty("id").GetString()!, patrol.GetProperty("startedAt").GetDateTimeOffset());
    }

    public Task<HttpResponseMessage> PointsAsync(HttpClient worker, string patrol, int batch, params (double Lat, double Lon, DateTimeOffset At)[] points) =>
        worker.PostJsonAsync($"/api/v1/patrols/{patrol}/points", Batch(batch, points));

    public static string Batch(int batch, IEnumerable<(double Lat, double Lon, DateTimeOffset At)> points)
    {
        var body = new StringBuilder().Append(CultureInfo.InvariantCulture, $$"""{"batch":{{batch}},"points":[""");
        body.AppendJoin(',', points.Select(p => FormattableString.Invariant($$"""{"lat":{{p.Lat}},"lon":{{p.Lon}},"at":"{{p.At.UtcDateTime:O}}"}""")));
        return body.Append("]}").ToString();
    }

    public async Task<JsonElement> GetAsync(HttpClient client, string url) => await (await client.GetAsync(url)).AssertOkAsync();
}
