using System.Net;
using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using static GridGov.Tests.Infrastructure.Geo;

namespace GridGov.Tests.Territory;

/// <summary>Re-gridding through the API: retirement moving open cases and households, deletion, locate, boundary history.</summary>
[Collection(ApiCollection.Name)]
public sealed class RegridApiTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateOperatorClient();

    private static string Id(JsonElement c) => c.GetProperty("id").GetString()!;

    private static long Count(JsonElement view, string metric, string section = "period") => view.GetProperty(section).GetProperty(metric).GetInt64();

    /// <summary>A district with one community of three grids in a row (A, B, C), each 0.1° square.</summary>
    private async Task<(string D, string A, string B, string C, double X, double Y)> DistrictAsync()
    {
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        var body = Collection(
            Feature(d, "District", Box(x, y, x + 0.4, y + 0.4)),
            Feature($"{d}001", "Street", Box(x, y, x + 0.3, y + 0.2)),
            Feature($"{d}001001", "Community", Box(x, y, x + 0.3, y + 0.2)),
            Feature($"{d}001001001", "Grid A", Box(x, y, x + 0.1, y + 0.1)),
            Feature($"{d}001001002", "Grid B", Box(x + 0.1, y, x + 0.2, y + 0.1)),
            Feature($"{d}001001003", "Grid C", Box(x + 0.2, y, x + 0.3, y + 0.1)));
        await (await _client.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();
        return (d, $"{d}001001001", $"{d}001001002", $"{d}001001003", x, y);
    }

    private async Task<string> ReportAsync(double lat, double lon) => Id(await (await _client.PostJsonAsync("/api/v1/cases", FormattableString.Invariant(
        $$"""{"category":"event.environment","description":"Rubbish at the gate","source":"gridPatrol","lat":{{lat}},"lon":{{lon}}}"""))).AssertOkAsync(HttpStatusCode.Created));

    private async Task<JsonElement> GetAsync(string url) => await (await _client.GetAsync(url)).AssertOkAsync();

    private async Task<string[]> OpenCasesAsync(string code) =>
        (await GetAsync($"/api/v1/territory/{code}/open-cases")).GetProperty("items").EnumerateArray().Select(Id).ToArray();

    private Task<JsonElement> IndicatorsAsync(string code) => GetAsync($"/api/v1/territory/{code}/indicators");

    [Fact]
    public async Task A_retired_grid_takes_no_new_case_and_no_household()
    {
        var (d, a, _, c, _, _) = await DistrictAsync();
        await (await _client.PostJsonAsync($"/api/v1/territory/{a}/retire", $$"""{"successor":"{{c}}"}""")).AssertOkAsync(HttpStatusCode.Accepted);

        var refused = await (await _client.PostJsonAsync("/api/v1/cases", $$"""{"category":"event.environment","description":"Rubbish at the gate","source":"gridPatrol","gridCode":"{{a}}"}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "gridCode");
        Assert.Contains(c, refused.GetProperty("detail").GetString());
        await (await _client.PutJsonAsync($"/api/v1/households/{d}-H{Random.Shared.Next(1, 99999)}", $$"""{"gridCode":"{{a}}","building":"1","room":"101"}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "gridCode");
    }

    [Fact]
    public async Task Retiring_a_grid_moves_its_open_cases_by_locate_and_its_households_to_the_successor()
    {
        var (d, a, b, c, x, y) = await DistrictAsync();

        // Grid B grows over A's eastern strip: A still answers there (the lower code wins an overlap) until it retires.
        await (await _client.PutJsonAsync($"/api/v1/territory/{b}", $$"""{"name":"Grid B","boundary":{{Box(x + 0.08, y, x + 0.2, y + 0.1)}}}""")).AssertOkAsync();
        var inAOnly = await ReportAsync(y + 0.05, x + 0.03);
        var inStrip = await ReportAsync(y + 0.05, x + 0.09);
        var household = $"{d}-H{Random.Shared.Next(1, 99999)}";
        await (await _client.PutJsonAsync($"/api/v1/households/{household}", $$"""{"gridCode":"{{a}}","building":"1","room":"101"}""")).AssertOkAsync(HttpStatusCode.Created);
        await Eventually.MatchesAsync(() => OpenCasesAsync(a), ids => ids.Length == 2, "both cases in grid A's view");

        // A has open cases (and children of its community): neither can be deleted.
        await (await _client.DeleteAsync($"/api/v1/territory/{a}")).AssertProblemAsync(HttpStatusCode.Conflict, "code");
        await (await _client.DeleteAsync($"/api/v1/territory/{d}001001")).AssertProblemAsync(HttpStatusCode.Conflict, "code");

        // The successor: required, the same level, not the node itself.
        foreach (var wrong in new[] { "{}", $$"""{"successor":"{{d}}001"}""", $$"""{"successor":"{{a}}"}""", $$"""{"successor":"{{d}}001001009"}""" })
        {
            await (await _client.PostJsonAsync($"/api/v1/territory/{a}/retire", wrong)).AssertProblemAsync(HttpStatusCode.BadRequest, "successor");
        }

        var started = await (await _client.PostJsonAsync($"/api/v1/territory/{a}/retire", $$"""{"successor":"{{c}}"}""")).AssertOkAsync(HttpStatusCode.Accepted);
        Assert.Equal(c, started.GetProperty("successor").GetString());
        var node = await GetAsync($"/api/v1/territory/{a}");
        Assert.True(node.GetProperty("retired").GetBoolean());
        Assert.Equal(c, node.GetProperty("successor").GetString());

        var done = await Eventually.MatchesAsync(
            () => GetAsync($"/api/v1/territory/{a}/retirement"), s => s.GetProperty("phase").GetString() == "done", "the retirement to finish");
        Assert.Equal(2, done.GetProperty("casesMoved").GetInt32());
        Assert.Equal(1, done.GetProperty("householdsMoved").GetInt32());

        // The case outside every grid goes to the successor; the one inside B's new boundary to B.
        Assert.Equal(c, (await GetAsync($"/api/v1/cases/{inAOnly}")).GetProperty("gridCode").GetString());
        Assert.Equal(b, (await GetAsync($"/api/v1/cases/{inStrip}")).GetProperty("gridCode").GetString());
        var history = (await GetAsync($"/api/v1/cases/{inAOnly}/history")).GetProperty("events").EnumerateArray().ToArray();
        Assert.Contains(history, e => e.GetProperty("type").GetString() == "moved" && e.GetProperty("note").GetString()!.Contains(a, StringComparison.Ordinal));

        await Eventually.MatchesAsync(() => OpenCasesAsync(a), ids => ids.Length == 0, "grid A's view to drop its cases");
        await Eventually.MatchesAsync(() => OpenCasesAsync(c), ids => ids.Contains(inAOnly), "grid C's view to take the case");
        await Eventually.MatchesAsync(() => OpenCasesAsync(b), ids => ids.Contains(inStrip), "grid B's view to take the case");
        await Eventually.TrueAsync(
            async () => (await GetAsync($"/api/v1/cases?territory={c}")).GetProperty("items").EnumerateArray().Any(i => Id(i) == inAOnly),
            "the read model to list the moved case under its successor");

        var moved = await GetAsync($"/api/v1/households/{household}");
        Assert.Equal(c, moved.GetProperty("gridCode").GetString());
        Assert.Contains(moved.GetProperty("history").EnumerateArray(), h => h.GetProperty("what").GetString() == "moved (retired)");
        await Eventually.TrueAsync(
            async () => (await GetAsync($"/api/v1/territory/{c}/households")).GetProperty("items").EnumerateArray().Any(h => Id(h) == household),
            "the people read model to list the household under its successor");

        // Locate never answers the retired grid: its point is now outside every grid.
        var located = await GetAsync(FormattableString.Invariant($"/api/v1/locate?lat={y + 0.05}&lon={x + 0.03}"));
        Assert.False(located.GetProperty("found").GetBoolean());

        // The same retirement again answers it; another successor, or a change to the retired node, is a conflict.
        var again = await (await _client.PostJsonAsync($"/api/v1/territory/{a}/retire", $$"""{"successor":"{{c}}"}""")).AssertOkAsync(HttpStatusCode.Accepted);
        Assert.Equal(2, again.GetProperty("casesMoved").GetInt32());
        await (await _client.PostJsonAsync($"/api/v1/territory/{a}/retire", $$"""{"successor":"{{b}}"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "successor");
        await Eventually.MatchesAsync(
            () => GetAsync($"/api/v1/territory/{a}/retirement"), s => s.GetProperty("phase").GetString() == "done", "the repeated retirement to finish");
        var events = (await GetAsync($"/api/v1/cases/{inAOnly}/history")).GetProperty("events").EnumerateArray();
        Assert.Single(events, e => e.GetProperty("type").GetString() == "moved");
        await (await _client.PutJsonAsync($"/api/v1/territory/{a}", """{"name":"Grid A again"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "code");
    }

    [Fact]
    public async Task Historic_indicators_stay_with_the_grid_they_happened_in()
    {
        var (d, a, _, c, x, y) = await DistrictAsync();
        var id = await ReportAsync(y + 0.05, x + 0.05);
        await (await _client.PostJsonAsync($"/api/v1/cases/{id}/file", "{}")).AssertOkAsync();
        await Eventually.MatchesAsync(() => IndicatorsAsync(a), v => Count(v, Metrics.Filed) == 1, "grid A to count the filed case");

        await (await _client.PostJsonAsync($"/api/v1/territory/{a}/retire", $$"""{"successor":"{{c}}"}""")).AssertOkAsync(HttpStatusCode.Accepted);
        await Eventually.MatchesAsync(() => GetAsync($"/api/v1/territory/{a}/retirement"), s => s.GetProperty("phase").GetString() == "done", "the retirement to finish");

        // After the move, the case is escalated in C: an event of the successor's.
        await (await _client.PostJsonAsync($"/api/v1/cases/{id}/escalate", "{}")).AssertOkAsync();
        var successor = await Eventually.MatchesAsync(() => IndicatorsAsync(c), v => Count(v, Metrics.Open, "current") == 1, "grid C to count the open case");
        Assert.Equal(0, Count(successor, Metrics.Reported));
        Assert.Equal(0, Count(successor, Metrics.Filed));

        var old = await Eventually.MatchesAsync(() => IndicatorsAsync(a), v => Count(v, Metrics.Open, "current") == 0, "grid A to stop counting the case as open");
        Assert.Equal(1, Count(old, Metrics.Reported));
        Assert.Equal(1, Count(old, Metrics.Filed));

        // The community above both counts the case once, and a recount from the read model (departures included) agrees.
        var community = await Eventually.MatchesAsync(
            () => IndicatorsAsync($"{d}001001"), v => Count(v, Metrics.Open, "current") == 1, "the community to count the case open once");
        Assert.Equal(1, Count(community, Metrics.Reported));
        Assert.Equal(1, Count(community, Metrics.Filed));
        var recount = await Eventually.MatchesAsync(
            async () => await (await _client.PostJsonAsync($"/api/v1/territory/{d}001001/indicators/recount", "")).AssertOkAsync(),
            r => r.GetProperty("drift").GetArrayLength() == 0,
            "a recount without drift");
        Assert.Equal(1, recount.GetProperty("casesCounted").GetInt32());

        // A grid's view started again from the read model (the recount's repair reloads it) keeps the same shares.
        var gridRecount = await (await _client.PostJsonAsync($"/api/v1/territory/{a}/indicators/recount", "")).AssertOkAsync();
        Assert.True(gridRecount.GetProperty("driftAfterRepair").GetArrayLength() == 0, gridRecount.ToString());
        var reloaded = await IndicatorsAsync(a);
        Assert.True(Count(reloaded, Metrics.Reported) == 1 && Count(reloaded, Metrics.Filed) == 1 && Count(reloaded, Metrics.Open, "current") == 0, gridRecount.ToString());
    }

    [Fact]
    public async Task An_empty_leaf_is_deleted_and_a_node_with_children_is_not()
    {
        var (d, _, b, _, x, y) = await DistrictAsync();
        await (await _client.DeleteAsync($"/api/v1/territory/{d}001")).AssertProblemAsync(HttpStatusCode.Conflict, "code");
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/v1/territory/{b}")).StatusCode);

        await (await _client.GetAsync($"/api/v1/territory/{b}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync($"/api/v1/territory/{b}")).AssertProblemAsync(HttpStatusCode.NotFound);
        var children = await GetAsync($"/api/v1/territory/{d}001001/children");
        Assert.DoesNotContain(children.GetProperty("items").EnumerateArray(), ch => ch.GetProperty("code").GetString() == b);
        var located = await GetAsync(FormattableString.Invariant($"/api/v1/locate?lat={y + 0.05}&lon={x + 0.15}"));
        Assert.False(located.GetProperty("found").GetBoolean());

        // Created again under the same code, it is found again.
        await (await _client.PutJsonAsync($"/api/v1/territory/{b}", $$"""{"name":"Grid B","boundary":{{Box(x + 0.1, y, x + 0.2, y + 0.1)}}}""")).AssertOkAsync(HttpStatusCode.Created);
        located = await GetAsync(FormattableString.Invariant($"/api/v1/locate?lat={y + 0.05}&lon={x + 0.15}"));
        Assert.Equal(b, located.GetProperty("grid").GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_boundary_change_keeps_the_previous_boundary_with_its_validity()
    {
        var (_, a, _, _, x, y) = await DistrictAsync();
        await (await _client.PutJsonAsync($"/api/v1/territory/{a}", $$"""{"name":"Grid A","boundary":{{Box(x, y, x + 0.05, y + 0.1)}}}""")).AssertOkAsync();

        var history = await GetAsync($"/api/v1/territory/{a}/history");
        var boundaries = history.GetProperty("boundaries").EnumerateArray().ToArray();
        Assert.Equal(2, boundaries.Length);
        Assert.Equal(boundaries[0].GetProperty("validTo").GetDateTimeOffset(), boundaries[1].GetProperty("validFrom").GetDateTimeOffset());
        Assert.True(boundaries[0].GetProperty("validFrom").GetDateTimeOffset() < boundaries[0].GetProperty("validTo").GetDateTimeOffset());
        Assert.Equal(JsonValueKind.Null, boundaries[1].GetProperty("validTo").ValueKind);
        Assert.Equal(x + 0.1, boundaries[0].GetProperty("boundary").GetProperty("coordinates")[0][1][0].GetDouble(), 9);
        Assert.Equal(x + 0.05, boundaries[1].GetProperty("boundary").GetProperty("coordinates")[0][1][0].GetDouble(), 9);
        Assert.False(history.GetProperty("retired").GetBoolean());
    }
}
