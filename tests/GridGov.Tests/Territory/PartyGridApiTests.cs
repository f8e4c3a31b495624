using System.Net;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using static GridGov.Tests.Infrastructure.Geo;

namespace GridGov.Tests.Territory;

/// <summary>Party-building grids through the API: the district's list, deletion, and the history of their grid sets.</summary>
[Collection(ApiCollection.Name)]
public sealed class PartyGridApiTests(ApiFactory factory)
{
    private readonly HttpClient _client = factory.CreateOperatorClient();

    private async Task<JsonElement> GetAsync(string url) => await (await _client.GetAsync(url)).AssertOkAsync();

    [Fact]
    public async Task Party_grids_are_listed_deleted_when_empty_and_keep_their_history()
    {
        var d = Fresh.District();
        var (x, y) = Fresh.Origin(d);
        string Grid(int n) => $"{d}001001{n:000}";
        await (await _client.PostJsonAsync("/api/v1/territory/import", Collection(
            Feature(d, "District", Box(x, y, x + 0.4, y + 0.4)),
            Feature($"{d}001", "Street", Box(x, y, x + 0.3, y + 0.1)),
            Feature($"{d}001001", "Community", Box(x, y, x + 0.3, y + 0.1)),
            Feature(Grid(1), "Grid 1", Box(x, y, x + 0.1, y + 0.1)),
            Feature(Grid(2), "Grid 2", Box(x + 0.1, y, x + 0.2, y + 0.1)),
            Feature(Grid(3), "Grid 3", Box(x + 0.2, y, x + 0.3, y + 0.1))))).AssertOkAsync();

        await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG1", $$"""{"name":"PG 1","gridCodes":["{{Grid(1)}}"]}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG2", $$"""{"name":"PG 2","gridCodes":["{{Grid(2)}}"]}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await _client.PutJsonAsync($"/api/v1/party-grids/{d}-PG1", $$"""{"name":"PG 1","gridCodes":["{{Grid(3)}}"]}""")).AssertOkAsync();

        // The list, a page at a time.
        var first = await GetAsync($"/api/v1/districts/{d}/party-grids?limit=1");
        Assert.Equal($"{d}-PG1", first.GetProperty("items")[0].GetProperty("id").GetString());
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await GetAsync($"/api/v1/districts/{d}/party-grids?limit=1&cursor={cursor}");
        Assert.Equal($"{d}-PG2", second.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextCursor").ValueKind);
        await (await _client.GetAsync($"/api/v1/districts/{d}1/party-grids")).AssertProblemAsync(HttpStatusCode.BadRequest, "district");

        // A Party organization on PG 2 holds it.
        var organization = $"{d}-PO{Random.Shared.Next(1, 99999)}";
        await (await _client.PutJsonAsync($"/api/v1/party-organizations/{organization}", $$"""{"kind":"branch","name":"Branch","partyGridId":"{{d}}-PG2"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await _client.DeleteAsync($"/api/v1/party-grids/{d}-PG2")).AssertProblemAsync(HttpStatusCode.Conflict, "id");

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"/api/v1/party-grids/{d}-PG1")).StatusCode);
        await (await _client.GetAsync($"/api/v1/party-grids/{d}-PG1")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await _client.DeleteAsync($"/api/v1/party-grids/{d}-PG1")).AssertProblemAsync(HttpStatusCode.NotFound);
        var listed = await GetAsync($"/api/v1/districts/{d}/party-grids");
        Assert.Equal([$"{d}-PG2"], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(JsonValueKind.Null, (await GetAsync($"/api/v1/territory/{Grid(3)}")).GetProperty("partyGridId").ValueKind);

        // Its history: created, its grids changed, deleted; each with time and actor.
        var history = (await GetAsync($"/api/v1/party-grids/{d}-PG1/history")).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["created", "grids-changed", "deleted"], history.Select(h => h.GetProperty("what").GetString()!).ToArray());
        Assert.Equal([Grid(3)], history[1].GetProperty("added").EnumerateArray().Select(g => g.GetString()!).ToArray());
        Assert.Equal([Grid(1)], history[1].GetProperty("removed").EnumerateArray().Select(g => g.GetString()!).ToArray());
        Assert.Equal([Grid(3)], history[2].GetProperty("removed").EnumerateArray().Select(g => g.GetString()!).ToArray());
        Assert.All(history, h => Assert.False(string.IsNullOrEmpty(h.GetProperty("actor").GetString())));
        Assert.True(history[0].GetProperty("at").GetDateTimeOffset() <= history[2].GetProperty("at").GetDateTimeOffset());
        await (await _client.GetAsync($"/api/v1/party-grids/{d}-PG9/history")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
