using System.Net;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Live;

namespace GridGov.Tests.Cases;

/// <summary>
/// A district whose every level has staff: a supervisor at the district, the street and the community, a grid chief and
/// a worker on grid 1, a micro-grid inside grid 1 with its chief, and grid 2 without a chief. Keys: the operator, the
/// community's supervisor (a command-centre key with the supervisor's staff id), and grid worker w-1.
/// </summary>
public sealed class EscalationFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new(Fresh.TempFolder(), LiveFixture.QuickSettings());

    public string District { get; } = Fresh.District();

    public string Street => $"{District}001";

    public string Community => $"{District}001001";

    public string Grid1 => $"{District}001001001";

    public string Micro => $"{Grid1}01";

    public string Grid2 => $"{District}001001002";

    public HttpClient Operator { get; private set; } = null!;

    /// <summary>The community's supervisor s-c: a command-centre key bound to that staff member.</summary>
    public HttpClient Supervisor { get; private set; } = null!;

    public HttpClient Worker { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        var (x, y) = Fresh.Origin(District);
        await (await Operator.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(District, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature(Street, "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature(Community, "Community", Geo.Box(x, y, x + 0.3, y + 0.2)),
            Geo.Feature(Grid1, "Grid 1", Geo.Box(x, y, x + 0.1, y + 0.1)),
            Geo.Feature(Micro, "Building 1", Geo.Box(x, y, x + 0.03, y + 0.03)),
            Geo.Feature(Grid2, "Grid 2", Geo.Box(x + 0.1, y, x + 0.2, y + 0.1))))).AssertOkAsync();
        await Operator.AddStaffAsync(District, ("s-d", "supervisor"));
        await Operator.AddStaffAsync(Street, ("s-s", "supervisor"));
        await Operator.AddStaffAsync(Community, ("s-c", "supervisor"), ("w-c", "gridWorker"));
        await Operator.AddStaffAsync(Grid1, ("gc-1", "gridChief"), ("w-1", "gridWorker"));
        await Operator.AddStaffAsync(Micro, ("mc-1", "microGridChief"));
        await Operator.AddStaffAsync(Grid2, ("w-2", "gridWorker"));
        Supervisor = Api.CreateClient(await Api.CreateKeyAsync(Roles.CommandCentre, District, staffId: "s-c"));
        Worker = Api.CreateClient(await Api.CreateKeyAsync(Roles.GridWorker, District, staffId: "w-1"));
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    /// <summary>Reports a case at an offset (degrees) from the district's corner: by default in grid 1, outside the micro-grid.</summary>
    public async Task<JsonElement> ReportAsync(double dx = 0.07, double dy = 0.07)
    {
        var (x, y) = Fresh.Origin(District);
        var body = FormattableString.Invariant($$"""{"category":"event.environment","description":"Rubbish piled at the gate","source":"gridPatrol","lat":{{y + dy}},"lon":{{x + dx}}}""");
        return await (await Operator.PostJsonAsync("/api/v1/cases", body)).AssertOkAsync(HttpStatusCode.Created);
    }

    /// <summary>Reports a case in grid 1 and files it: its id.</summary>
    public async Task<string> FiledAsync(double dx = 0.07, double dy = 0.07)
    {
        var id = (await ReportAsync(dx, dy)).GetProperty("id").GetString()!;
        await ActAsync(Operator, id, "file");
        return id;
    }

    public async Task<JsonElement> ActAsync(HttpClient client, string id, string action, string body = "{}", HttpStatusCode expected = HttpStatusCode.OK, string? field = null)
    {
        var response = await client.PostJsonAsync($"/api/v1/cases/{id}/{action}", body);
        return expected == HttpStatusCode.OK ? await response.AssertOkAsync() : await response.AssertProblemAsync(expected, field);
    }
}
