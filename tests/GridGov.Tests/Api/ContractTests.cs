using System.Net;
using System.Text.Json;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Api;

/// <summary>
/// The server does what the OpenAPI document says (tools/openapi/client type-checks a client generated from it):
/// a number is a JSON number, never a string holding one, and a member the document leaves out of <c>required</c>
/// may be left out.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContractTests(ApiFactory factory)
{
    private const string Report = """{"category":"event.environment","description":"Rubbish piled at the gate","source":"residentApp",""";

    [Theory]
    [InlineData("POST", "/api/v1/cases", Report + """ "lat":"18.2","lon":109.5}""", "lat")]
    [InlineData("POST", "/api/v1/cases", Report + """ "lat":18.2,"lon":109.5,"detection":{"confidence":"0.9","snapshotUrl":"https://cam.example.org/1.jpg"}}""", "detection.confidence")]
    [InlineData("POST", "/api/v1/cases/460204-20261201-0000000000000000/evaluate", """{"satisfaction":"5"}""", "satisfaction")]
    [InlineData("PUT", "/api/v1/districts/460204/categories/event.test", """{"name":"Test","class":"event","timeLimitHours":"24","responseLimitHours":1,"department":"Office"}""", "timeLimitHours")]
    [InlineData("PUT", "/api/v1/households/460204-H1", """{"gridCode":"460204001001001","building":"3","room":"201","residents":[{"id":"r1","name":"王五","gender":"male","birthYear":"1960","relation":"householder","residenceType":"registered"}]}""", "residents[0].birthYear")]
    public async Task A_number_sent_as_a_string_is_a_400_naming_the_field(string method, string url, string body, string field)
    {
        using var client = factory.CreateOperatorClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };

        var problem = await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Contains("wrong type", problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/locate?lat=18.2x&lon=109.5", "lat")]
    [InlineData("/api/v1/locate?lat=18.2", "lon")]
    [InlineData("/api/v1/cases?territory=460204&limit=ten", "limit")]
    public async Task A_query_parameter_that_is_not_a_number_or_is_missing_is_a_400_naming_it(string url, string field)
    {
        using var client = factory.CreateOperatorClient();
        await (await client.GetAsync(url)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Members_the_document_leaves_optional_may_be_left_out()
    {
        using var client = factory.CreateOperatorClient();
        var district = Fresh.District();
        var (x, y) = Fresh.Origin(district);
        var grid = $"{district}001001001";
        await (await client.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(district, "District", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature($"{district}001", "Street", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature($"{district}001001", "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature(grid, "Grid", Geo.Box(x, y, x + 0.1, y + 0.1))))).AssertOkAsync();

        // A node with only its name (no boundary, no staff); a household with only its address.
        await (await client.PutJsonAsync($"/api/v1/territory/{grid}01", """{"name":"Building 1"}""")).AssertOkAsync(HttpStatusCode.Created);
        await (await client.PutJsonAsync($"/api/v1/households/{district}-H1", $$"""{"gridCode":"{{grid}}","building":"3","room":"201"}""")).AssertOkAsync(HttpStatusCode.Created);

        // A report with a point and nothing else optional: no grid code, address, reporter, media, priority or detection.
        var reported = await (await client.PostJsonAsync("/api/v1/cases", FormattableString.Invariant(
            $$"""{"category":"event.environment","description":"Rubbish piled at the gate","source":"gridPatrol","lat":{{y + 0.05}},"lon":{{x + 0.05}}}"""))).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal(grid, reported.GetProperty("gridCode").GetString());
        var id = reported.GetProperty("id").GetString()!;

        await client.AddStaffAsync(grid, ("w-1", "gridWorker"));

        // An action without a body, and one with only the member it needs.
        await (await client.PostAsync($"/api/v1/cases/{id}/file", content: null)).AssertOkAsync();
        var dispatched = await (await client.PostJsonAsync($"/api/v1/cases/{id}/dispatch", """{"assignee":"w-1"}""")).AssertOkAsync();
        Assert.Equal("dispatched", dispatched.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Number, dispatched.GetProperty("version").ValueKind);

        // A key without an expiry never expires.
        var key = await (await client.PostJsonAsync("/api/v1/api-keys", $$"""{"name":"civic app","role":"app","scope":"{{district}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal(JsonValueKind.Null, key.GetProperty("expiresAt").ValueKind);
    }
}
