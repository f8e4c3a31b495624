using System.Net;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Cases;

/// <summary>A district with one street, one community and two grids; keys for every role of the loop.</summary>
public sealed class CaseFixture : IAsyncLifetime
{
    public ApiFactory Api { get; } = new();

    public string District { get; } = Fresh.District();

    public (double Lon, double Lat) Origin => Fresh.Origin(District);

    public string Grid1 => $"{District}001001001";

    public string Grid2 => $"{District}001001002";

    public HttpClient Operator { get; private set; } = null!;

    public HttpClient CommandCentre { get; private set; } = null!;

    public HttpClient Worker { get; private set; } = null!;

    public HttpClient OtherWorker { get; private set; } = null!;

    public HttpClient App { get; private set; } = null!;

    public HttpClient OtherApp { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        var (x, y) = Origin;
        var body = Geo.Collection(
            Geo.Feature(District, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{District}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{District}001001", "Community", Geo.Box(x, y, x + 0.3, y + 0.2)),
            Geo.Feature(Grid1, "Grid 1", Geo.Box(x, y, x + 0.1, y + 0.1)),
            Geo.Feature(Grid2, "Grid 2", Geo.Box(x + 0.1, y, x + 0.2, y + 0.1)));
        await (await Operator.PostJsonAsync("/api/v1/territory/import", body)).AssertOkAsync();
        // The workers the tests dispatch to, as staff of the district (an ancestor of every grid).
        await Operator.AddStaffAsync(District, ("w-1", "gridWorker"), ("w-2", "gridWorker"));
        CommandCentre = Api.CreateClient(await Api.CreateKeyAsync(Roles.CommandCentre, District));
        Worker = Api.CreateClient(await KeyAsync(Roles.GridWorker, "w-1"));
        OtherWorker = Api.CreateClient(await KeyAsync(Roles.GridWorker, "w-2"));
        App = Api.CreateClient(await Api.CreateKeyAsync(Roles.App, District));
        OtherApp = Api.CreateClient(await Api.CreateKeyAsync(Roles.App, District));
    }

    private async Task<string> KeyAsync(string role, string staffId)
    {
        var created = await (await Operator.PostJsonAsync("/api/v1/api-keys", $$"""{"name":"{{staffId}}","role":"{{role}}","scope":"{{District}}","staffId":"{{staffId}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        return created.GetProperty("key").GetString()!;
    }

    public async Task DisposeAsync() => await Api.DisposeAsync();

    /// <summary>A report at an offset (in degrees) from the district's corner, inside grid 1 by default.</summary>
    public string Report(double dx = 0.05, double dy = 0.05, string category = "event.environment", string extra = "", string source = "gridPatrol") =>
        FormattableString.Invariant($$"""{"category":"{{category}}","description":"Rubbish piled at the gate","source":"{{source}}","lat":{{Origin.Lat + dy}},"lon":{{Origin.Lon + dx}},"address":"Gate 3","reporter":{"name":"张三","phone":"13912345678"}{{extra}}}""");

    public async Task<JsonElement> ReportAsync(HttpClient client, string? body = null) =>
        await (await client.PostJsonAsync("/api/v1/cases", body ?? Report())).AssertOkAsync(HttpStatusCode.Created);

    public async Task<JsonElement> ActAsync(HttpClient client, string id, string action, string body = "{}", HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostJsonAsync($"/api/v1/cases/{id}/{action}", body);
        return expected == HttpStatusCode.OK ? await response.AssertOkAsync() : await response.AssertProblemAsync(expected);
    }
}

public sealed class CaseApiTests(CaseFixture f) : IClassFixture<CaseFixture>
{
    private static string Id(JsonElement c) => c.GetProperty("id").GetString()!;

    private static string State(JsonElement c) => c.GetProperty("state").GetString()!;

    [Fact]
    public async Task The_closed_loop_from_report_to_rating()
    {
        var reported = await f.ReportAsync(f.App, f.Report(source: "residentApp"));
        var id = Id(reported);
        Assert.Matches($"^{f.District}-\\d{{8}}-[0-9A-Z]{{16}}$", id);
        Assert.Equal(("reported", f.Grid1, 1L), (State(reported), reported.GetProperty("gridCode").GetString(), reported.GetProperty("version").GetInt64()));
        Assert.Equal(JsonValueKind.Null, reported.GetProperty("reporter").ValueKind); // apps see no personal data

        var filed = await f.ActAsync(f.CommandCentre, id, "file", """{"note":"valid"}""");
        Assert.Equal("139****5678", filed.GetProperty("reporter").GetProperty("phoneMasked").GetString());
        var dispatched = await f.ActAsync(f.CommandCentre, id, "dispatch", """{"assignee":"w-1"}""");
        Assert.Equal("dispatched", State(dispatched));
        var deadline = dispatched.GetProperty("deadline").GetDateTimeOffset();
        Assert.InRange(deadline - dispatched.GetProperty("dispatchedAt").GetDateTimeOffset(), TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1), TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        await f.ActAsync(f.OtherWorker, id, "accept", expected: HttpStatusCode.NotFound); // not theirs
        await f.ActAsync(f.Worker, id, "accept");
        await f.ActAsync(f.Worker, id, "resolve", """{"note":"Cleared, photos attached"}""");
        var closed = await f.ActAsync(f.CommandCentre, id, "verify");
        Assert.Equal("closed", State(closed));
        await f.ActAsync(f.OtherApp, id, "evaluate", """{"satisfaction":5,"resolved":true}""", HttpStatusCode.NotFound);
        var evaluated = await f.ActAsync(f.App, id, "evaluate", """{"satisfaction":5,"resolved":true,"comment":"快"}""");
        Assert.Equal(("evaluated", 5, 7L), (State(evaluated), evaluated.GetProperty("satisfaction").GetInt32(), evaluated.GetProperty("version").GetInt64()));

        var history = await (await f.CommandCentre.GetAsync($"/api/v1/cases/{id}/history")).AssertOkAsync();
        Assert.Equal(
            ["reported", "filed", "dispatched", "accepted", "resolved", "verified", "evaluated"],
            history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray());
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()).ToArray());
        Assert.Equal("w-1", history.GetProperty("events")[3].GetProperty("actor").GetString());
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("accept")]
    [InlineData("evaluate")]
    [InlineData("dispatch")]
    public async Task A_transition_the_state_does_not_allow_is_409_naming_state_and_actions(string action)
    {
        var id = Id(await f.ReportAsync(f.CommandCentre));
        var problem = await f.ActAsync(f.CommandCentre, id, action, """{"assignee":"w-1","satisfaction":3,"resolved":true}""", HttpStatusCode.Conflict);
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("Reported", detail, StringComparison.Ordinal);
        Assert.Contains("file, reject, merge, escalate", detail, StringComparison.Ordinal);
        Assert.Equal(1, (await (await f.CommandCentre.GetAsync($"/api/v1/cases/{id}")).AssertOkAsync()).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task A_stale_if_match_is_412()
    {
        var id = Id(await f.ReportAsync(f.CommandCentre));
        await f.ActAsync(f.CommandCentre, id, "file");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{id}/dispatch") { Content = new StringContent("""{"assignee":"w-1"}""", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        await (await f.CommandCentre.SendAsync(request)).AssertProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task Return_rework_extension_escalation_and_merge()
    {
        var id = Id(await f.ReportAsync(f.CommandCentre));
        await f.ActAsync(f.CommandCentre, id, "file");
        await f.ActAsync(f.CommandCentre, id, "dispatch", """{"assignee":"w-1"}""");
        Assert.Equal("filed", State(await f.ActAsync(f.Worker, id, "return", """{"note":"not my grid"}""")));
        await f.ActAsync(f.CommandCentre, id, "dispatch", """{"assignee":"w-1"}""");
        await f.ActAsync(f.Worker, id, "accept");

        var asked = await f.ActAsync(f.Worker, id, "request-extension", """{"hours":48,"reason":"parts on order"}""");
        Assert.Equal(48, asked.GetProperty("extensionRequestedHours").GetInt32());
        await f.ActAsync(f.Worker, id, "approve-extension", expected: HttpStatusCode.Forbidden);
        var approved = await f.ActAsync(f.CommandCentre, id, "approve-extension");
        Assert.Equal(asked.GetProperty("deadline").GetDateTimeOffset().AddHours(48), approved.GetProperty("deadline").GetDateTimeOffset());

        await f.ActAsync(f.Worker, id, "resolve");
        var reworked = await f.ActAsync(f.CommandCentre, id, "rework", """{"note":"still there"}""");
        Assert.Equal(("dispatched", 1), (State(reworked), reworked.GetProperty("reworks").GetInt32()));

        Assert.Equal("community", (await f.ActAsync(f.CommandCentre, id, "escalate")).GetProperty("handledAt").GetString());
        Assert.Equal("street", (await f.ActAsync(f.CommandCentre, id, "escalate")).GetProperty("handledAt").GetString());
        Assert.Equal("district", (await f.ActAsync(f.CommandCentre, id, "escalate")).GetProperty("handledAt").GetString());
        await f.ActAsync(f.CommandCentre, id, "escalate", expected: HttpStatusCode.Conflict);

        var duplicate = Id(await f.ReportAsync(f.CommandCentre));
        await f.ActAsync(f.CommandCentre, duplicate, "merge", $$"""{"into":"{{duplicate}}"}""", HttpStatusCode.BadRequest);
        var merged = await f.ActAsync(f.CommandCentre, duplicate, "merge", $$"""{"into":"{{id}}"}""");
        Assert.Equal(("merged", id), (State(merged), merged.GetProperty("mergedInto").GetString()));
    }

    [Fact]
    public async Task Replayed_intake_with_one_idempotency_key_makes_one_case()
    {
        var key = Guid.NewGuid().ToString();
        var body = f.Report(dx: 0.15, source: "residentApp");
        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(async _ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            return await (await f.App.SendAsync(request)).AssertOkAsync(HttpStatusCode.Created);
        }));
        Assert.Single(replies.Select(Id).Distinct());
        Assert.Equal(f.Grid2, replies[0].GetProperty("gridCode").GetString());

        var other = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases") { Content = new StringContent(f.Report(dx: 0.16, source: "residentApp"), System.Text.Encoding.UTF8, "application/json") };
        other.Headers.Add("Idempotency-Key", key);
        await (await f.App.SendAsync(other)).AssertProblemAsync(HttpStatusCode.Conflict, "Idempotency-Key");
    }

    [Fact]
    public async Task A_report_within_50_m_of_an_open_case_of_the_category_is_a_probable_duplicate()
    {
        // Grid 2's west half, away from the other tests' points; one degree of latitude is about 111 195 m.
        const double metre = 1 / 111_195.0;
        var first = Id(await f.ReportAsync(f.CommandCentre, f.Report(dx: 0.12, dy: 0.02, category: "event.street-order")));
        await Eventually.TrueAsync(
            async () => (await (await f.CommandCentre.GetAsync($"/api/v1/territory/{f.Grid2}/open-cases")).AssertOkAsync())
                .GetProperty("items").EnumerateArray().Any(c => Id(c) == first),
            $"case {first} in grid {f.Grid2}'s open cases");

        var near = await f.ReportAsync(f.CommandCentre, f.Report(dx: 0.12, dy: 0.02 + (49 * metre), category: "event.street-order"));
        var far = await f.ReportAsync(f.CommandCentre, f.Report(dx: 0.12, dy: 0.02 - (51 * metre), category: "event.street-order"));
        var otherCategory = await f.ReportAsync(f.CommandCentre, f.Report(dx: 0.12, dy: 0.02, category: "event.advertising"));

        Assert.Equal(first, near.GetProperty("probableDuplicateOf").GetString());
        Assert.Equal(JsonValueKind.Null, far.GetProperty("probableDuplicateOf").ValueKind);
        Assert.Equal(JsonValueKind.Null, otherCategory.GetProperty("probableDuplicateOf").ValueKind);
    }

    [Fact]
    public async Task Lists_come_from_the_read_model_and_respect_who_may_see_what()
    {
        var id = Id(await f.ReportAsync(f.CommandCentre, f.Report(category: "governance.care-visit")));
        await f.ActAsync(f.CommandCentre, id, "file");
        await f.ActAsync(f.CommandCentre, id, "dispatch", """{"assignee":"w-2"}""");

        await Eventually.TrueAsync(
            async () => (await (await f.CommandCentre.GetAsync($"/api/v1/cases?territory={f.Grid1}&state=dispatched&category=governance.care-visit")).AssertOkAsync())
                .GetProperty("items").EnumerateArray().Any(c => Id(c) == id && c.GetProperty("version").GetInt64() == 3),
            $"case {id} at version 3 in the read model");

        var mine = await (await f.OtherWorker.GetAsync("/api/v1/cases?category=governance.care-visit")).AssertOkAsync();
        Assert.Contains(mine.GetProperty("items").EnumerateArray(), c => Id(c) == id);
        var notMine = await (await f.Worker.GetAsync("/api/v1/cases?category=governance.care-visit")).AssertOkAsync();
        Assert.DoesNotContain(notMine.GetProperty("items").EnumerateArray(), c => Id(c) == id);
        await (await f.Worker.GetAsync($"/api/v1/cases/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.App.GetAsync($"/api/v1/cases/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await f.App.GetAsync("/api/v1/cases")).AssertProblemAsync(HttpStatusCode.Forbidden);

        await (await f.CommandCentre.GetAsync("/api/v1/cases?state=nonsense")).AssertProblemAsync(HttpStatusCode.BadRequest, "state");
        await (await f.CommandCentre.GetAsync("/api/v1/cases?cursor=%%%")).AssertProblemAsync(HttpStatusCode.BadRequest, "cursor");
    }

    [Fact]
    public async Task Bad_reports_are_400_naming_the_field()
    {
        await (await f.App.PostJsonAsync("/api/v1/cases", f.Report(category: "no.such", source: "residentApp"))).AssertProblemAsync(HttpStatusCode.BadRequest, "category");
        await (await f.App.PostJsonAsync("/api/v1/cases", """{"category":"event.other","description":"x","source":"residentApp"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "lat");
        await (await f.App.PostJsonAsync("/api/v1/cases", $$"""{"category":"event.other","description":"x","source":"residentApp","gridCode":"{{f.Grid1}}"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "gridCode");
        await (await f.App.PostJsonAsync("/api/v1/cases", f.Report(extra: ""","mediaUrls":["javascript:alert(1)"]"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "mediaUrls[0]");
        await (await f.App.PostJsonAsync("/api/v1/cases", f.Report(source: "camera"))).AssertProblemAsync(HttpStatusCode.BadRequest, "detection");
        await (await f.App.PostJsonAsync("/api/v1/cases", f.Report(source: "pigeon"))).AssertProblemAsync(HttpStatusCode.BadRequest, "source");
        await (await f.App.PostJsonAsync("/api/v1/cases", f.Report().Replace("13912345678", "12", StringComparison.Ordinal))).AssertProblemAsync(HttpStatusCode.BadRequest, "reporter.phone");
        await (await f.CommandCentre.PostJsonAsync("/api/v1/cases", f.Report(extra: ""","detection":{"confidence":0.5,"snapshotUrl":"ftp://cam.example/1.jpg"}"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "detection.snapshotUrl");
        await (await f.CommandCentre.PostJsonAsync("/api/v1/cases", """{"category":"event.other","description":"x","source":"gridPatrol","gridCode":"12"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "gridCode");
        var camera = await f.ReportAsync(f.CommandCentre, f.Report(extra: ""","gridCode":null,"detection":{"confidence":0.93,"snapshotUrl":"https://cam.example/s/1.jpg"}""").Replace("residentApp", "camera", StringComparison.Ordinal));
        Assert.Equal(0.93, camera.GetProperty("detection").GetProperty("confidence").GetDouble());
    }

    [Fact]
    public async Task The_category_catalogue_is_seeded_and_editable()
    {
        var list = await (await f.App.GetAsync($"/api/v1/districts/{f.District}/categories")).AssertOkAsync();
        var hours = list.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("timeLimitHours").GetDouble()).Distinct().Order().ToArray();
        Assert.Equal([2.0, 24, 168, 360], hours);

        await (await f.Operator.PutJsonAsync($"/api/v1/districts/{f.District}/categories/local.typhoon-debris", """{"name":"台风清障 Typhoon debris","class":"event","timeLimitHours":2,"responseLimitHours":0.5,"department":"Emergency"}""")).AssertOkAsync();
        var id = Id(await f.ReportAsync(f.CommandCentre, f.Report(category: "local.typhoon-debris")));
        await f.ActAsync(f.CommandCentre, id, "file");
        var dispatched = await f.ActAsync(f.CommandCentre, id, "dispatch", """{"assignee":"w-1"}""");
        Assert.Equal(TimeSpan.FromHours(2), dispatched.GetProperty("deadline").GetDateTimeOffset() - dispatched.GetProperty("dispatchedAt").GetDateTimeOffset());

        await (await f.Operator.PutJsonAsync($"/api/v1/districts/{f.District}/categories/x", """{"name":"x","class":"event","timeLimitHours":2,"responseLimitHours":5,"department":"d"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "responseLimitHours");
        await (await f.CommandCentre.PutJsonAsync($"/api/v1/districts/{f.District}/categories/x", """{"name":"x","class":"event","timeLimitHours":2,"responseLimitHours":1,"department":"d"}""")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
