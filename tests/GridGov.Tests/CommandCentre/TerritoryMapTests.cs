using System.Net;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.CommandCentre;

/// <summary><c>GET /territory/{code}/map</c>: the grids and micro-grids under a node, as GeoJSON, in pages.</summary>
[Collection(ApiCollection.Name)]
public sealed class TerritoryMapTests(ApiFactory factory)
{
    /// <summary>Two communities of one street, three grids (one without a boundary) and two micro-grids.</summary>
    private static async Task<string> DistrictAsync(HttpClient client)
    {
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        var body = Geo.Collection(
            Geo.Feature(d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{d}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{d}001001", "Community A", Geo.Box(x, y, x + 0.2, y + 0.1)),
            Geo.Feature($"{d}001002", "Community B", Geo.Box(x, y + 0.1, x + 0.2, y + 0.2)),
            Geo.Feature($"{d}001001001", "Grid A1", Geo.Box(x, y, x + 0.1, y + 0.1)),
            Geo.Feature($"{d}001001002", "Grid A2", Geo.Box(x + 0.1, y, x + 0.2, y + 0.1)),
            Geo.Feature($"{d}00100100101", "Micro A1a", Geo.Box(x, y, x + 0.05, y + 0.1)),
            Geo.Feature($"{d}00100100102", "Micro A1b", Geo.Box(x + 0.05, y, x + 0.1, y + 0.1)),
            Geo.Feature($"{d}001002001", "Grid B1", Geo.Box(x, y + 0.1, x + 0.2, y + 0.2)));
        var import = await (await client.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();
        Assert.Equal(0, import.GetProperty("rejected").GetArrayLength());
        await (await client.PutJsonAsync($"/api/v1/territory/{d}001002002", """{"name":"Grid B2"}""")).AssertOkAsync(HttpStatusCode.Created);
        return d;
    }

    private static string[] Codes(JsonElement map) =>
        map.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("code").GetString()!).ToArray();

    [Fact]
    public async Task A_district_map_holds_every_grid_and_micro_grid_in_code_order()
    {
        using var client = factory.CreateOperatorClient();
        var d = await DistrictAsync(client);

        var map = await (await client.GetAsync($"/api/v1/territory/{d}/map")).AssertOkAsync();

        Assert.Equal("FeatureCollection", map.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, map.GetProperty("nextCursor").ValueKind);
        Assert.Equal(
            [$"{d}001001001", $"{d}00100100101", $"{d}00100100102", $"{d}001001002", $"{d}001002001", $"{d}001002002"],
            Codes(map));

        var features = map.GetProperty("features").EnumerateArray().ToDictionary(f => f.GetProperty("properties").GetProperty("code").GetString()!);
        var a1 = features[$"{d}001001001"];
        Assert.Equal("Feature", a1.GetProperty("type").GetString());
        Assert.Equal("Grid A1", a1.GetProperty("properties").GetProperty("name").GetString());
        Assert.Equal("grid", a1.GetProperty("properties").GetProperty("level").GetString());
        Assert.Equal("Polygon", a1.GetProperty("geometry").GetProperty("type").GetString());
        Assert.Equal(5, a1.GetProperty("geometry").GetProperty("coordinates")[0].GetArrayLength());
        Assert.Equal("microGrid", features[$"{d}00100100101"].GetProperty("properties").GetProperty("level").GetString());
        Assert.Equal(JsonValueKind.Null, features[$"{d}001002002"].GetProperty("geometry").ValueKind);
    }

    [Fact]
    public async Task A_community_or_grid_map_holds_only_what_is_under_it()
    {
        using var client = factory.CreateOperatorClient();
        var d = await DistrictAsync(client);

        var community = await (await client.GetAsync($"/api/v1/territory/{d}001002/map")).AssertOkAsync();
        Assert.Equal([$"{d}001002001", $"{d}001002002"], Codes(community));

        var grid = await (await client.GetAsync($"/api/v1/territory/{d}001001001/map")).AssertOkAsync();
        Assert.Equal([$"{d}001001001", $"{d}00100100101", $"{d}00100100102"], Codes(grid));
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_gaps_or_repeats()
    {
        using var client = factory.CreateOperatorClient();
        var d = await DistrictAsync(client);

        var codes = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await (await client.GetAsync($"/api/v1/territory/{d}/map?limit=4{(cursor is null ? "" : $"&cursor={cursor}")}")).AssertOkAsync();
            codes.AddRange(Codes(page));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(2, pages);
        Assert.Equal(6, codes.Count);
        Assert.Equal(codes.Order(StringComparer.Ordinal), codes);
        Assert.Equal(codes.Distinct().Count(), codes.Count);
    }

    [Theory]
    [InlineData("46020", null, "code")]
    [InlineData("{d}", "limit=0", "limit")]
    [InlineData("{d}", "limit=1001", "limit")]
    [InlineData("{d}", "cursor=abc", "cursor")]
    [InlineData("{d}001002", "cursor={d}001001001", "cursor")]
    public async Task Bad_input_is_a_400_naming_the_field(string code, string? query, string field)
    {
        using var client = factory.CreateOperatorClient();
        var d = await DistrictAsync(client);
        var url = $"/api/v1/territory/{code.Replace("{d}", d, StringComparison.Ordinal)}/map{(query is null ? "" : "?" + query.Replace("{d}", d, StringComparison.Ordinal))}";
        await (await client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task A_node_that_does_not_exist_is_404()
    {
        using var client = factory.CreateOperatorClient();
        await (await client.GetAsync($"/api/v1/territory/{Fresh.District()}001/map")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
