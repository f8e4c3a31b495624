using System.Net;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using static GridGov.Tests.Infrastructure.Geo;

namespace GridGov.Tests.Police;

/// <summary>Police areas through the API: overlaps, overrides, recomputation after a grid changes, co-assignment, import.</summary>
[Collection(ApiCollection.Name)]
public sealed class PoliceAreaApiTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateOperatorClient();

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

    private static string Area(string name, string boundary, string officer = "王警官", string phone = "13800001234") =>
        $$"""{"name":"{{name}}","station":"三亚湾派出所","officer":{"name":"{{officer}}","phone":"{{phone}}"},"boundary":{{boundary}}}""";

    private async Task<JsonElement> GetAsync(string url) => await (await _client.GetAsync(url)).AssertOkAsync();

    private static string[] Strings(JsonElement view, string property) =>
        view.GetProperty(property).EnumerateArray().Select(e => e.GetString()!).ToArray();

    [Fact]
    public async Task Overrides_survive_recomputation_and_a_grid_boundary_change_shows_in_the_area_history()
    {
        var (d, a, b, c, x, y) = await DistrictAsync();
        var p1 = $"/api/v1/districts/{d}/police-areas/P1";
        var created = await (await _client.PutJsonAsync(p1, Area("一区", Box(x, y, x + 0.1, y + 0.1)))).AssertOkAsync(HttpStatusCode.Created);
        // Grid B shares only P1's eastern border.
        Assert.Equal([a], Strings(created, "grids"));
        Assert.Equal("138****1234", created.GetProperty("officer").GetProperty("maskedPhone").GetString());
        Assert.DoesNotContain("13800001234", created.GetRawText(), StringComparison.Ordinal);

        await (await _client.PostJsonAsync($"{p1}/grids", $$"""{"grid":"{{c}}","action":"add"}""")).AssertOkAsync();
        var overridden = await (await _client.PostJsonAsync($"{p1}/grids", $$"""{"grid":"{{a}}","action":"remove"}""")).AssertOkAsync();
        Assert.Equal([c], Strings(overridden, "grids"));
        await (await _client.PostJsonAsync($"{p1}/grids", $$"""{"grid":"{{d}}001001","action":"add"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "grid");

        // Grid B grows over P1's eastern half: P1 recomputes, and both overrides stand.
        await (await _client.PutJsonAsync($"/api/v1/territory/{b}", $$"""{"name":"Grid B","boundary":{{Box(x + 0.05, y, x + 0.2, y + 0.1)}}}""")).AssertOkAsync();
        var after = await Eventually.MatchesAsync(() => GetAsync(p1), v => Strings(v, "computedGrids").Contains(b), "P1 to overlap grid B");
        Assert.Equal([a, b], Strings(after, "computedGrids"));
        Assert.Equal([b, c], Strings(after, "grids"));
        Assert.Equal([c], Strings(after, "addedGrids"));
        Assert.Equal([a], Strings(after, "removedGrids"));

        var history = (await GetAsync($"{p1}/history")).GetProperty("changes").EnumerateArray().ToArray();
        Assert.Equal(["created", "grid-added", "grid-removed", "grids-recomputed"], history.Select(h => h.GetProperty("type").GetString()));
        var recomputed = history[^1];
        Assert.Equal([b], Strings(recomputed, "gridsAdded"));
        Assert.Contains(b, recomputed.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Grid C, deleted, leaves P2 (which overlaps it); P1's own addition of C stays an override until cleared.
        var p2 = $"/api/v1/districts/{d}/police-areas/P2";
        Assert.Equal([c], Strings(await (await _client.PutJsonAsync(p2, Area("二区", Box(x + 0.2, y, x + 0.3, y + 0.1)))).AssertOkAsync(HttpStatusCode.Created), "grids"));
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/v1/territory/{c}")).StatusCode);
        await Eventually.MatchesAsync(() => GetAsync(p2), v => Strings(v, "grids").Length == 0, "P2 to lose grid C");
        var p2History = (await GetAsync($"{p2}/history")).GetProperty("changes").EnumerateArray().Last();
        Assert.Equal([c], Strings(p2History, "gridsRemoved"));
        Assert.Contains("retired or deleted", p2History.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // ETags: a stale If-Match is refused; a delete then 404s.
        await (await _client.PutJsonAsync(p2, Area("二区", Box(x + 0.2, y, x + 0.3, y + 0.1)), r => r.Headers.TryAddWithoutValidation("If-Match", "\"1\"")))
            .AssertProblemAsync(HttpStatusCode.PreconditionFailed);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync(p2)).StatusCode);
        await (await _client.GetAsync(p2)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_public_security_case_gets_the_area_officer_on_dispatch_and_other_cases_do_not()
    {
        var (d, a, _, _, x, y) = await DistrictAsync();
        await _client.AddStaffAsync(a, ("gc-1", "gridChief"));
        await (await _client.PutJsonAsync($"/api/v1/districts/{d}/police-areas/P1", Area("一区", Box(x, y, x + 0.15, y + 0.1)))).AssertOkAsync(HttpStatusCode.Created);

        async Task<JsonElement> DispatchedAsync(string report)
        {
            var id = (await (await _client.PostJsonAsync("/api/v1/cases", report)).AssertOkAsync(HttpStatusCode.Created)).GetProperty("id").GetString();
            await (await _client.PostJsonAsync($"/api/v1/cases/{id}/file", "{}")).AssertOkAsync();
            return await (await _client.PostJsonAsync($"/api/v1/cases/{id}/dispatch", "{}")).AssertOkAsync();
        }

        var point = FormattableString.Invariant($"\"lat\":{y + 0.05},\"lon\":{x + 0.05}");
        var security = await DispatchedAsync($$"""{"category":"governance.public-security","description":"夜间有人聚众喧哗","source":"gridPatrol",{{point}}}""");
        Assert.Equal("gc-1", security.GetProperty("assignee").GetString());
        Assert.Equal("P1", security.GetProperty("policeArea").GetString());
        Assert.Equal("王警官", security.GetProperty("policeOfficer").GetProperty("name").GetString());
        Assert.Equal("138****1234", security.GetProperty("policeOfficer").GetProperty("maskedPhone").GetString());

        // Without a point: the area linked to the case's grid.
        var byGrid = await DispatchedAsync($$"""{"category":"governance.public-security","description":"车辆被划","source":"gridPatrol","gridCode":"{{a}}"}""");
        Assert.Equal("P1", byGrid.GetProperty("policeArea").GetString());

        var other = await DispatchedAsync($$"""{"category":"event.environment","description":"Rubbish at the gate","source":"gridPatrol",{{point}}}""");
        Assert.Equal(JsonValueKind.Null, other.GetProperty("policeArea").ValueKind);
        Assert.Equal(JsonValueKind.Null, other.GetProperty("policeOfficer").ValueKind);

        var indicators = await Eventually.MatchesAsync(
            () => GetAsync($"/api/v1/districts/{d}/police-areas/P1/indicators"), i => i.GetProperty("total").GetInt64() == 2, "P1's indicators to count its two cases");
        Assert.Equal(2, indicators.GetProperty("open").GetInt64());
        Assert.Equal(2, indicators.GetProperty("byState").GetProperty("dispatched").GetInt64());
    }

    [Fact]
    public async Task A_case_the_police_system_reports_carries_the_area_from_its_report()
    {
        var (d, _, _, _, x, y) = await DistrictAsync();
        await (await _client.PutJsonAsync($"/api/v1/districts/{d}/police-areas/P7", Area("七区", Box(x, y, x + 0.15, y + 0.1)))).AssertOkAsync(HttpStatusCode.Created);
        using var police = factory.CreateClient(await factory.CreateKeyAsync(Roles.App, d, appKind: "police"));
        var report = FormattableString.Invariant(
            $$"""{"category":"event.environment","description":"巡逻发现占道堆放","source":"police","lat":{{y + 0.05}},"lon":{{x + 0.05}}}""");
        var id = (await (await police.PostJsonAsync("/api/v1/cases", report)).AssertOkAsync(HttpStatusCode.Created)).GetProperty("id").GetString();

        // Carried from the report, whatever the category (a public-security one would get it again on dispatch).
        var read = await GetAsync($"/api/v1/cases/{id}");
        Assert.Equal("P7", read.GetProperty("policeArea").GetString());
        Assert.Equal("police", read.GetProperty("source").GetString());
    }

    [Fact]
    public async Task Another_district_s_areas_do_not_exist_for_a_district_key()
    {
        var (d, _, _, _, x, y) = await DistrictAsync();
        await (await _client.PutJsonAsync($"/api/v1/districts/{d}/police-areas/P1", Area("一区", Box(x, y, x + 0.1, y + 0.1)))).AssertOkAsync(HttpStatusCode.Created);
        using var other = factory.CreateClient(await factory.CreateKeyAsync(Roles.DistrictAdmin, Fresh.District()));

        await (await other.GetAsync($"/api/v1/districts/{d}/police-areas/P1")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/v1/districts/{d}/police-areas")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.GetAsync($"/api/v1/districts/{d}/layers/police-areas")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await other.PutJsonAsync($"/api/v1/districts/{d}/police-areas/P1", Area("Intruder", Box(x, y, x + 0.1, y + 0.1)))).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal("一区", (await GetAsync($"/api/v1/districts/{d}/police-areas/P1")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task An_import_rejects_each_bad_feature_naming_it_and_its_field_and_the_layer_shows_the_rest()
    {
        var (d, a, _, _, x, y) = await DistrictAsync();
        static string Police(string code, string? geometry, string station = "三亚湾派出所", string phone = "13800001234") =>
            $$"""{"type":"Feature","properties":{"code":"{{code}}","name":"区{{code}}","station":"{{station}}","officerName":"李警官","officerPhone":"{{phone}}"},"geometry":{{geometry ?? "null"}}}""";
        var bowtie = FormattableString.Invariant($$"""{"type":"Polygon","coordinates":[[[{{x}},{{y}}],[{{x + 0.1}},{{y + 0.1}}],[{{x + 0.1}},{{y}}],[{{x}},{{y + 0.1}}],[{{x}},{{y}}]]]}""");
        var body = Collection(
            Police("A1", Box(x, y, x + 0.1, y + 0.1)),
            Police("bad code", Box(x, y, x + 0.1, y + 0.1)),
            Police("A3", null),
            Police("A4", Box(x, y, x + 0.1, y + 0.1), phone: "call me"),
            Police("A5", bowtie),
            Police("A6", Box(x, y, x + 0.1, y + 0.1), station: ""),
            Police("A1", Box(x, y, x + 0.1, y + 0.1)));

        var result = await (await _client.PostJsonAsync($"/api/v1/districts/{d}/police-areas/import", body)).AssertOkAsync();
        Assert.Equal(["A1"], result.GetProperty("created").EnumerateArray().Select(f => f.GetProperty("code").GetString()));
        var rejected = result.GetProperty("rejected").EnumerateArray()
            .Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("field").GetString())).ToArray();
        Assert.Equal([(1, "properties.code"), (2, "geometry"), (3, "properties.officerPhone"), (4, "geometry"), (5, "properties.station"), (6, "properties.code")], rejected);

        var again = await (await _client.PostJsonAsync($"/api/v1/districts/{d}/police-areas/import", Collection(Police("A1", Box(x, y, x + 0.1, y + 0.1))))).AssertOkAsync();
        Assert.Equal(1, again.GetProperty("unchanged").GetArrayLength());

        using var layer = await _client.GetAsync($"/api/v1/districts/{d}/layers/police-areas");
        Assert.Equal("application/geo+json", layer.Content.Headers.ContentType?.MediaType);
        var collection = await layer.AssertOkAsync();
        var feature = Assert.Single(collection.GetProperty("features").EnumerateArray());
        var properties = feature.GetProperty("properties");
        Assert.Equal("A1", properties.GetProperty("code").GetString());
        Assert.Equal("police-area", properties.GetProperty("kind").GetString());
        Assert.Equal("138****1234", properties.GetProperty("officerPhone").GetString());
        Assert.Equal("Polygon", feature.GetProperty("geometry").GetProperty("type").GetString());

        var list = await GetAsync($"/api/v1/districts/{d}/police-areas");
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal([a], Strings(item, "grids"));
    }
}
