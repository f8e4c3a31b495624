using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Cases;

/// <summary>
/// A fresh district in the shared API (<see cref="ApiCollection"/>) for the merge and evidence tests: two grids side
/// by side (grid 1 west of grid 2, their border at 0.1° east of the corner), and keys for the roles of the loop.
/// Made once per API; each test reports its own cases at its own points.
/// </summary>
public sealed class CaseLoopLand
{
    private static readonly ConcurrentDictionary<ApiFactory, Lazy<Task<CaseLoopLand>>> Lands = new();

    public string District { get; } = Fresh.District();

    public (double Lon, double Lat) Origin => Fresh.Origin(District);

    public string Grid1 => $"{District}001001001";

    public string Grid2 => $"{District}001001002";

    public HttpClient Operator { get; private init; } = null!;

    public HttpClient CommandCentre { get; private set; } = null!;

    public HttpClient Worker { get; private set; } = null!;

    public HttpClient App { get; private set; } = null!;

    public static Task<CaseLoopLand> OfAsync(ApiFactory api) =>
        Lands.GetOrAdd(api, a => new Lazy<Task<CaseLoopLand>>(() => CreateAsync(a))).Value;

    private static async Task<CaseLoopLand> CreateAsync(ApiFactory api)
    {
        var land = new CaseLoopLand { Operator = api.CreateOperatorClient() };
        var (x, y) = land.Origin;
        var body = Geo.Collection(
            Geo.Feature(land.District, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{land.District}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{land.District}001001", "Community", Geo.Box(x, y, x + 0.3, y + 0.2)),
            Geo.Feature(land.Grid1, "Grid 1", Geo.Box(x, y, x + 0.1, y + 0.1)),
            Geo.Feature(land.Grid2, "Grid 2", Geo.Box(x + 0.1, y, x + 0.2, y + 0.1)));
        var imported = await (await land.Operator.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();
        Assert.Equal(0, imported.GetProperty("rejected").GetArrayLength());
        // dispatch takes only staff of the case's node or an ancestor: on the district, the worker serves both grids.
        await land.Operator.AddStaffAsync(land.District, ("w-1", "gridWorker"));
        land.CommandCentre = api.CreateClient(await api.CreateKeyAsync(Roles.CommandCentre, land.District));
        land.Worker = api.CreateClient(await api.CreateKeyAsync(Roles.GridWorker, land.District, staffId: "w-1"));
        land.App = api.CreateClient(await api.CreateKeyAsync(Roles.App, land.District));
        return land;
    }

    /// <summary>A report at (lon, lat) given as offsets in degrees from the district's corner.</summary>
    public string Report(double dx, double dy, string category = "event.environment", string phone = "13912345678", string source = "gridPatrol") =>
        FormattableString.Invariant($$$"""{"category":"{{{category}}}","description":"Rubbish piled at the gate","source":"{{{source}}}","lat":{{{Origin.Lat + dy}}},"lon":{{{Origin.Lon + dx}}},"reporter":{"name":"李四","phone":"{{{phone}}}"}}""");

    public static async Task<JsonElement> ReportAsync(HttpClient client, string body) =>
        await (await client.PostJsonAsync("/api/v1/cases", body)).AssertOkAsync(HttpStatusCode.Created);

    public static async Task<JsonElement> ActAsync(HttpClient client, string id, string action, string body = "{}", HttpStatusCode expected = HttpStatusCode.OK, string? field = null)
    {
        var response = await client.PostJsonAsync($"/api/v1/cases/{id}/{action}", body);
        return expected == HttpStatusCode.OK ? await response.AssertOkAsync() : await response.AssertProblemAsync(expected, field);
    }

    public static string Id(JsonElement c) => c.GetProperty("id").GetString()!;
}
