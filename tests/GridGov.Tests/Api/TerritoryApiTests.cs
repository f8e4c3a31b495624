using System.Net;
using GridGov.Tests.Infrastructure;
using static GridGov.Tests.Infrastructure.Geo;

namespace GridGov.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class TerritoryApiTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateOperatorClient();

    /// <summary>
    /// A district of one street and one community holding two grids side by side (sharing the border lon = 109.5)
    /// and a micro-grid inside the first grid; the community reaches further east than its grids.
    /// </summary>
    private static string SmallDistrict(string d)
    {
        var (x, y) = Fresh.Origin(d);
        return Collection(
            // Children first: the import must order them itself.
            Feature($"{d}00100200101", "Building 1", Box(x + 0.10, y + 0.10, x + 0.15, y + 0.15)),
            Feature($"{d}001002001", "Grid 1", Box(x + 0.10, y + 0.10, x + 0.20, y + 0.20)),
            Feature($"{d}001002002", "Grid 2", Box(x + 0.20, y + 0.10, x + 0.30, y + 0.20)),
            Feature($"{d}001002", "Community", Box(x + 0.10, y + 0.10, x + 0.40, y + 0.20)),
            Feature($"{d}001", "Street", Box(x + 0.10, y + 0.10, x + 0.40, y + 0.30)),
            Feature(d, "District", Box(x, y, x + 0.45, y + 0.45)));
    }

    private async Task<string> ImportSmallDistrictAsync()
    {
        var d = Fresh.District();
        var result = await (await _client.PostJsonAsync("/api/v1/territory/import", SmallDistrict(d))).AssertOkAsync();
        Assert.Equal(6, result.GetProperty("created").GetArrayLength());
        Assert.Equal(0, result.GetProperty("rejected").GetArrayLength());
        return d;
    }

    [Fact]
    public async Task Import_is_idempotent_and_builds_the_tree()
    {
        var d = await ImportSmallDistrictAsync();

        var again = await (await _client.PostJsonAsync("/api/v1/territory/import", SmallDistrict(d))).AssertOkAsync();
        Assert.Equal(0, again.GetProperty("created").GetArrayLength());
        Assert.Equal(0, again.GetProperty("updated").GetArrayLength());
        Assert.Equal(6, again.GetProperty("unchanged").GetArrayLength());

        var children = await (await _client.GetAsync($"/api/v1/territory/{d}001002/children")).AssertOkAsync();
        Assert.Equal(
            [$"{d}001002001", $"{d}001002002"],
            children.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("code").GetString()!).ToArray());

        var grid = await (await _client.GetAsync($"/api/v1/territory/{d}001002001")).AssertOkAsync();
        Assert.Equal("grid", grid.GetProperty("level").GetString());
        Assert.Equal($"{d}001002", grid.GetProperty("parentCode").GetString());
        Assert.Equal("Polygon", grid.GetProperty("boundary").GetProperty("type").GetString());
        Assert.Equal(1, grid.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData(0.17, 0.15, true, "001002001", null)] // inside grid 1, outside its micro-grid
    [InlineData(0.12, 0.12, true, "001002001", "00100200101")] // inside the micro-grid
    [InlineData(0.20, 0.15, true, "001002001", null)] // on the shared border: the lower code wins
    [InlineData(0.25, 0.15, true, "001002002", null)] // inside grid 2
    [InlineData(0.35, 0.15, false, null, null)] // in the community, outside every grid
    public async Task Locate_answers_inside_on_border_and_outside(double dx, double dy, bool found, string? grid, string? microGrid)
    {
        var d = await ImportSmallDistrictAsync();
        var (x, y) = Fresh.Origin(d);
        var answer = await (await _client.GetAsync(FormattableString.Invariant($"/api/v1/locate?lat={y + dy}&lon={x + dx}"))).AssertOkAsync();

        Assert.Equal(found, answer.GetProperty("found").GetBoolean());
        if (found)
        {
            Assert.Equal(d + grid, answer.GetProperty("grid").GetProperty("code").GetString());
            Assert.Equal([d, $"{d}001", $"{d}001002"], answer.GetProperty("ancestors").EnumerateArray().Select(a => a.GetString()!).ToArray());
            if (microGrid is null)
            {
                Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.GetProperty("microGrid").ValueKind);
            }
            else
            {
                Assert.Equal(d + microGrid, answer.GetProperty("microGrid").GetProperty("code").GetString());
            }
        }
        else
        {
            Assert.Equal($"{d}001002", answer.GetProperty("fallback").GetProperty("code").GetString());
            Assert.Equal("community", answer.GetProperty("fallback").GetProperty("level").GetString());
        }
    }

    [Fact]
    public async Task Locate_far_from_everything_is_not_found()
    {
        var answer = await (await _client.GetAsync("/api/v1/locate?lat=85.5&lon=175.25")).AssertOkAsync();
        Assert.False(answer.GetProperty("found").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, answer.GetProperty("fallback").ValueKind);
    }

    [Theory]
    [InlineData("lat=91&lon=100", "lat")]
    [InlineData("lon=100", "lat")]
    [InlineData("lat=10&lon=abc", "lon")]
    public async Task Locate_refuses_bad_coordinates(string query, string field)
    {
        await (await _client.GetAsync($"/api/v1/locate?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Import_rejects_bad_features_and_keeps_the_good_ones()
    {
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        const string bowtie = """{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}""";
        var body = Collection(
            Feature(d, "District", Box(x, y, x + 0.4, y + 0.4)),
            Feature($"{d}001", "Self-intersecting", bowtie),
            Feature($"{d}002", "A point", """{"type":"Point","coordinates":[0.5,0.5]}"""),
            Feature($"{d}003001", "Orphan community", Box(x + 0.1, y + 0.1, x + 0.2, y + 0.2)),
            Feature("12ab", "Bad code", Box(x, y, x + 0.4, y + 0.4)),
            Feature(d, "Duplicate", Box(x, y, x + 0.4, y + 0.4)));

        var result = await (await _client.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();

        Assert.Equal([0], result.GetProperty("created").EnumerateArray().Select(f => f.GetProperty("index").GetInt32()).ToArray());
        var rejected = result.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("index").GetInt32(), r => r.GetProperty("reason").GetString()!);
        Assert.Equal([1, 2, 3, 4, 5], rejected.Keys.Order().ToArray());
        Assert.Contains("Self-intersection", rejected[1], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Point", rejected[2], StringComparison.Ordinal);
        Assert.Contains("does not exist", rejected[3], StringComparison.Ordinal);
        await (await _client.GetAsync($"/api/v1/territory/{d}001")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_get_and_etags()
    {
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        var created = await _client.PutJsonAsync($"/api/v1/territory/{d}", """{"name":"天涯区"}""");
        var body = await created.AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/territory/{d}", created.Headers.Location?.OriginalString);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        Assert.Equal("district", body.GetProperty("level").GetString());

        var staff = $$"""{"name":"Grid 7","boundary":{{Box(x + 0.1, y + 0.1, x + 0.2, y + 0.2)}},"staff":[{"id":"w1","name":"李四","role":"gridChief","phone":"13812345678"}]}""";
        await (await _client.PutJsonAsync($"/api/v1/territory/{d}001", """{"name":"Street"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await _client.PutJsonAsync($"/api/v1/territory/{d}001002", """{"name":"Community"}""")).AssertOkAsync(HttpStatusCode.Created);
        var grid = await (await _client.PutJsonAsync($"/api/v1/territory/{d}001002007", staff)).AssertOkAsync(HttpStatusCode.Created);
        var member = grid.GetProperty("staff")[0];
        Assert.Equal("138****5678", member.GetProperty("maskedPhone").GetString());
        Assert.DoesNotContain("13812345678", grid.GetRawText(), StringComparison.Ordinal);

        var renamed = await _client.PutJsonAsync($"/api/v1/territory/{d}", """{"name":"Tianya"}""", r => r.Headers.TryAddWithoutValidation("If-Match", "\"1\""));
        Assert.Equal("\"2\"", (await renamed.AssertOkAsync().ContinueWith(_ => renamed)).Headers.ETag?.Tag);

        var stale = await _client.PutJsonAsync($"/api/v1/territory/{d}", """{"name":"Lost update"}""", r => r.Headers.TryAddWithoutValidation("If-Match", "\"1\""));
        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);

        var createOnly = await _client.PutJsonAsync($"/api/v1/territory/{d}", """{"name":"Again"}""", r => r.Headers.TryAddWithoutValidation("If-None-Match", "*"));
        await createOnly.AssertProblemAsync(HttpStatusCode.Conflict);

        var read = await _client.GetAsync($"/api/v1/territory/{d}");
        Assert.Equal("Tianya", (await read.AssertOkAsync()).GetProperty("name").GetString());
        Assert.Equal("\"2\"", read.Headers.ETag?.Tag);
    }

    [Theory]
    [InlineData("12345", """{"name":"x"}""", "code")]
    [InlineData("VALID", """{"name":""}""", "name")]
    [InlineData("VALID", """{"name":"x","boundary":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}""", "boundary")]
    [InlineData("VALID", """{"name":"x","boundary":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}}""", "boundary")]
    [InlineData("VALID", """{"name":"x","boundary":{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]}}""", "boundary")]
    [InlineData("VALID", """{"name":"x","colour":"red"}""", "colour")]
    [InlineData("VALID", """{"name":42}""", "name")]
    [InlineData("VALID", """{"name":"x","staff":[{"id":"a","name":"b","role":"mayor"}]}""", "staff[0].role")]
    [InlineData("VALID", """{"name":"x","staff":[{"id":"a","name":"b","role":"gridWorker","phone":"12"}]}""", "staff[0].phone")]
    [InlineData("VALID", """{"name":"x","staff":[null]}""", "staff[0]")]
    public async Task Put_refuses_bad_input_naming_the_field(string code, string json, string field)
    {
        var d = Fresh.District();
        await (await _client.PutJsonAsync($"/api/v1/territory/{d}", """{"name":"District"}""")).AssertOkAsync(HttpStatusCode.Created);
        var target = code == "VALID" ? $"{d}001" : code;

        await (await _client.PutJsonAsync($"/api/v1/territory/{target}", json)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        if (code == "VALID")
        {
            await (await _client.GetAsync($"/api/v1/territory/{target}")).AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task A_node_whose_parent_does_not_exist_is_refused()
    {
        var d = Fresh.District();
        await (await _client.PutJsonAsync($"/api/v1/territory/{d}001", """{"name":"Street"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "code");
    }

    [Fact]
    public async Task Malformed_json_and_unknown_routes_are_problems()
    {
        await (await _client.PutJsonAsync($"/api/v1/territory/{Fresh.District()}", "{\"name\": ")).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await _client.PostJsonAsync("/api/v1/territory/import", "not json")).AssertProblemAsync(HttpStatusCode.BadRequest, "body");
        await (await _client.PostJsonAsync("/api/v1/territory/import", """{"type":"Feature"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "type");
        await (await _client.PostJsonAsync("/api/v1/territory/import", """{"type":"\ud800","features":[]}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "type");
        var latin1 = new StringContent("""{"name":"x"}""");
        latin1.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "iso-8859-1" };
        await (await _client.PutAsync($"/api/v1/territory/{Fresh.District()}", latin1)).AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await (await _client.GetAsync("/api/v1/no-such-thing")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.PatchAsync($"/api/v1/territory/{Fresh.District()}", new StringContent("{}"))).AssertProblemAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Party_grids_merge_whole_grids_and_never_share_one()
    {
        var d = await ImportSmallDistrictAsync();
        var g1 = $"{d}001002001";
        var g2 = $"{d}001002002";

        var pg1 = await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG1", $$"""{"name":"Party grid 1","gridCodes":["{{g2}}","{{g1}}"]}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        Assert.Equal([g1, g2], pg1.GetProperty("gridCodes").EnumerateArray().Select(c => c.GetString()!).ToArray());

        var conflict = await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG2", $$"""{"name":"Party grid 2","gridCodes":["{{g1}}"]}""");
        await conflict.AssertProblemAsync(HttpStatusCode.Conflict);
        await (await _client.GetAsync($"/api/v1/party-grids/{d}-PG2")).AssertProblemAsync(HttpStatusCode.NotFound);

        // PG1 lets grid 1 go; then PG2 may take it.
        await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG1", $$"""{"name":"Party grid 1","gridCodes":["{{g2}}"]}""", r => r.Headers.TryAddWithoutValidation("If-Match", "\"1\""))).AssertOkAsync();
        await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG2", $$"""{"name":"Party grid 2","gridCodes":["{{g1}}"]}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        var grid1 = await (await _client.GetAsync($"/api/v1/territory/{g1}")).AssertOkAsync();
        Assert.Equal($"{d}-PG2", grid1.GetProperty("partyGridId").GetString());

        var other = Fresh.District();
        await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG3", $$"""{"name":"x","gridCodes":["{{other}}001002001"]}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "gridCodes[0]");
        await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG3", $$"""{"name":"x","gridCodes":["{{d}}001002"]}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "gridCodes[0]");
        await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG3", $$"""{"name":"x","gridCodes":["{{d}}001002009"]}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "gridCodes");
        await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-X1", """{"name":"x","gridCodes":[]}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "id");
    }

    [Fact]
    public async Task Health_openapi_and_docs_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/ready")).StatusCode);
        var openApi = await (await _client.GetAsync("/openapi/v1.json")).AssertOkAsync();
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/v1/territory/{code}", out _));
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/docs")).StatusCode);
    }
}
