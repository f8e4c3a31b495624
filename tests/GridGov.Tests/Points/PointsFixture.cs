using System.Globalization;
using System.Net;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Points;

/// <summary>One API host; each test builds its own district (<see cref="NewWorldAsync"/>), as rules are per district.</summary>
public sealed class PointsFixture : IAsyncLifetime
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
    /// A fresh district: a grid under a community, a Party-building grid on it, a committee PO1 with a
    /// branch PO2 (on the Party-building grid) and a branch PO3; members M1 (staff id w-1), M2, M3 in PO2 and M4 in
    /// PO3; household H1 on the grid, linked to M1, and household H2, linked to nobody.
    /// </summary>
    public async Task<World> NewWorldAsync()
    {
        var d = Fresh.District();
        var w = new World(d, Operator);
        var (x, y) = Fresh.Origin(d);
        await (await Operator.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{d}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{d}001001", "Community", Geo.Box(x, y, x + 0.3, y + 0.2)),
            Geo.Feature(w.Grid, "Grid 1", Geo.Box(x, y, x + 0.1, y + 0.1))))).AssertOkAsync();
        await (await Operator.PutJsonAsync($"/api/v1/party-grids/{w.PartyGrid}", $$"""{"name":"PG","gridCodes":["{{w.Grid}}"]}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await Operator.PutJsonAsync($"/api/v1/party-organizations/{d}-PO1", """{"kind":"committee","name":"党委"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await Operator.PutJsonAsync(w.Branch, $$"""{"kind":"branch","name":"一支部","parentId":"{{d}}-PO1","partyGridId":"{{w.PartyGrid}}"}""", "party-organizations")).AssertOkAsync(HttpStatusCode.Created);
        await (await Operator.PutJsonAsync(w.OtherBranch, $$"""{"kind":"branch","name":"二支部","parentId":"{{d}}-PO1","partyGridId":"{{w.PartyGrid}}"}""", "party-organizations")).AssertOkAsync(HttpStatusCode.Created);
        foreach (var (member, branch, staff) in new[] { (w.M1, w.Branch, "w-1"), (w.M2, w.Branch, null), (w.M3, w.Branch, null), (w.M4, w.OtherBranch, null) })
        {
            var staffId = staff is null ? "" : $",\"staffId\":\"{staff}\"";
            await (await Operator.PutJsonAsync(member, $$"""{"name":"党员","status":"full","joined":"2010-07-01","organizationId":"{{branch}}"{{staffId}}}""", "party-members")).AssertOkAsync(HttpStatusCode.Created);
        }

        foreach (var (household, resident) in new[] { (w.H1, $"{d}-R1"), (w.H2, $"{d}-R2") })
        {
            await (await Operator.PutJsonAsync($"/api/v1/households/{household}", $$"""{"gridCode":"{{w.Grid}}","building":"3","room":"501","residents":[{"id":"{{resident}}","name":"张三","gender":"male","birthYear":1948,"relation":"head","residenceType":"registered"}]}""")).AssertOkAsync(HttpStatusCode.Created);
        }

        await (await Operator.PostJsonAsync($"/api/v1/households/{w.H1}/link", $$"""{"memberId":"{{w.M1}}"}""")).AssertOkAsync();
        return w;
    }

    public static string Day(DateTime utc) => utc.AddHours(8).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Today in China Standard Time, the day points count by.</summary>
    public static string Today => Day(DateTime.UtcNow);
}

public sealed record World(string D, HttpClient Operator)
{
    public string Grid => $"{D}001001001";

    public string PartyGrid => $"{D}-PG1";

    public string Branch => $"{D}-PO2";

    public string OtherBranch => $"{D}-PO3";

    public string M1 => $"{D}-M1";

    public string M2 => $"{D}-M2";

    public string M3 => $"{D}-M3";

    public string M4 => $"{D}-M4";

    public string H1 => $"{D}-H1";

    public string H2 => $"{D}-H2";

    public async Task RuleAsync(string code, string trigger, int points, string effectiveFrom, string extra = "") =>
        await (await Operator.PutJsonAsync($"/api/v1/districts/{D}/point-rules/{code}", $$"""{"name":"{{code}}","points":{{points}},"trigger":"{{trigger}}","effectiveFrom":"{{effectiveFrom}}"{{extra}}}""")).AssertOkAsync();

    public Task<HttpResponseMessage> GrantAsync(string member, string rule, string sourceId, string? day = null) =>
        Operator.PostJsonAsync($"/api/v1/party-members/{member}/points/grants", $$"""{"ruleCode":"{{rule}}","sourceId":"{{sourceId}}","date":"{{day ?? PointsFixture.Today}}","reason":"test"}""");

    public async Task<JsonElement> StatementAsync(string member) =>
        await (await Operator.GetAsync($"/api/v1/party-members/{member}/points?limit=500")).AssertOkAsync();

    public async Task<long> RecountAsync(string member)
    {
        var recount = await (await Operator.PostJsonAsync($"/api/v1/party-members/{member}/points/recount", "{}")).AssertOkAsync();
        Assert.True(recount.GetProperty("matched").GetBoolean(), recount.ToString());
        return recount.GetProperty("recounted").GetInt64();
    }
}

internal static class PutExtensions
{
    /// <summary>PUTs to /api/v1/{collection}/{id}.</summary>
    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string id, string json, string collection) =>
        client.PutJsonAsync($"/api/v1/{collection}/{id}", json);
}
