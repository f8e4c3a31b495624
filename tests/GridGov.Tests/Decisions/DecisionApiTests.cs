using System.Net;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Live;

namespace GridGov.Tests.Decisions;

/// <summary>Villages and decisions over HTTP: the public board, rules as 409s with their name, events on SSE and webhooks.</summary>
public sealed class DecisionApiTests(LiveFixture f) : IClassFixture<LiveFixture>
{
    private const string Secretary = "李建国";
    private const string Minutes = "会议记录：王发言人提议修路";
    private const string Objector = "赵小梅";
    private const string ObjectionText = "我家门口的路段没有包括在内";

    private string Village => $"{f.Land.District}001001";

    private static string Iso(DateTimeOffset t) => t.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<(string Id, string Etag)> OpenDecisionAsync()
    {
        await (await f.Operator.PutJsonAsync($"/api/v1/villages/{Village}", $$"""
            {"name":"Village A","secretaryIsChair":true,
             "committee":[{"name":"{{Secretary}}","post":"chair"},{"name":"钱副","post":"viceChair"}],
             "cadres":[{"name":"孙书记","role":"firstSecretary","sendingUnit":"District Bureau of Agriculture","from":"2026-01-01"}]}
            """)).AssertOkAsync();
        var created = await f.Operator.PostJsonAsync($"/api/v1/villages/{Village}/decisions",
            """{"matter":"Harden the village road (2 km)","kind":"project","origin":"villagersSuggestion","amount":380000}""");
        var body = await created.AssertOkAsync(HttpStatusCode.Created);
        return (body.GetProperty("id").GetString()!, created.Headers.ETag!.Tag);
    }

    private async Task<HttpResponseMessage> StepAsync(string id, string step, string json) =>
        await f.Operator.PostJsonAsync($"/api/v1/decisions/{id}/steps/{step}", json);

    private static string Meeting(DateTimeOffset date, int due, int present, int @for, bool together = false) =>
        $$"""{"date":"{{Iso(date)}}","due":{{due}},"present":{{present}},"for":{{@for}},"against":0,"abstaining":0,"minutes":"{{Minutes}}","together":{{(together ? "true" : "false")}},"attachments":["https://files.example.org/sign-in.pdf"]}""";

    [Fact]
    public async Task The_public_board_shows_a_disclosed_decision_without_personal_data_and_events_reach_SSE_and_a_webhook()
    {
        await using var receiver = await Receiver.StartAsync();
        var hook = receiver.Hook(Receiver.Mode.Ok);
        await (await f.Operator.PostJsonAsync($"/api/v1/districts/{f.Land.District}/webhooks",
            $$"""{"url":"{{hook}}","events":["decision.*"],"territory":"{{Village}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        await using var feed = await SseClient.OpenAsync(f.Operator, $"/api/v1/territory/{f.Land.StreetA}/events");

        var (id, _) = await OpenDecisionAsync();
        var now = DateTimeOffset.UtcNow;
        await (await StepAsync(id, "proposal", Meeting(now.AddDays(-3), 5, 5, 5, together: true))).AssertOkAsync();

        // Out of order: a 409 naming the rule.
        var skipped = await (await StepAsync(id, "villagers-assembly", Meeting(now.AddDays(-2), 40, 30, 25))).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("step-order", skipped.GetProperty("rule").GetString());
        // Votes that do not add up: a 400 naming the field.
        await (await StepAsync(id, "party-assembly", """{"date":"2026-01-01T00:00:00Z","due":30,"present":20,"for":15,"against":4,"abstaining":2}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "for");

        await (await StepAsync(id, "party-assembly", Meeting(now.AddDays(-2), 30, 24, 20))).AssertOkAsync();
        await (await StepAsync(id, "villagers-assembly", Meeting(now.AddDays(-1), 40, 30, 25))).AssertOkAsync();
        await (await StepAsync(id, "resolution-disclosure",
            $$"""{"date":"{{Iso(now.AddHours(-1))}}","end":"{{Iso(now.AddDays(7))}}","minutes":"Resolution: harden the road, 380 000 yuan."}""")).AssertOkAsync();

        var app = f.Api.CreateClient(await f.Api.CreateKeyAsync("app", f.Land.District));
        var objected = await (await app.PostJsonAsync($"/api/v1/decisions/{id}/objections",
            $$"""{"text":"{{ObjectionText}}","name":"{{Objector}}"}""")).AssertOkAsync();
        Assert.DoesNotContain(Objector, objected.GetRawText(), StringComparison.Ordinal);

        // The next step waits for the answer (and the disclosure's end).
        var blocked = await (await StepAsync(id, "result-disclosure",
            $$"""{"date":"{{Iso(now.AddDays(8))}}","end":"{{Iso(now.AddDays(15))}}"}""")).AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal("objections-unanswered", blocked.GetProperty("rule").GetString());

        using var anonymous = f.Api.CreateClient();
        var response = await anonymous.GetAsync($"/api/v1/villages/{Village}/board");
        var raw = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, raw);
        var board = JsonDocument.Parse(raw).RootElement;
        var item = Assert.Single(board.GetProperty("items").EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal(5, item.GetProperty("steps").GetArrayLength());
        Assert.Equal(1, item.GetProperty("objections").GetInt32());
        Assert.Contains("380 000 yuan", raw, StringComparison.Ordinal);
        foreach (var personal in new[] { Secretary, Minutes, Objector, ObjectionText, "孙书记", "钱副", "recordedBy", "filedBy", "bootstrap" })
        {
            Assert.DoesNotContain(personal, raw, StringComparison.Ordinal);
        }

        var village = await (await f.Operator.GetAsync($"/api/v1/villages/{Village}")).AssertOkAsync();
        var cadre = Assert.Single(village.GetProperty("cadres").EnumerateArray());
        Assert.Equal(("孙书记", "firstSecretary", "District Bureau of Agriculture"), (
            cadre.GetProperty("name").GetString(), cadre.GetProperty("role").GetString(), cadre.GetProperty("sendingUnit").GetString()));

        // Everything else needs a key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/decisions/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/villages/{Village}")).StatusCode);

        var seen = await feed.UntilAsync(
            m => m.Event == "decision" && m.Type == "decision.objection-filed", $"decision {id}'s objection on street A's stream");
        var decisionEvents = seen.Where(m => m.Event == "decision").ToList();
        Assert.Equal(
            ["decision.created", "decision.step-recorded", "decision.step-recorded", "decision.step-recorded", "decision.step-recorded", "decision.objection-filed"],
            decisionEvents.Select(m => m.Type).ToArray());
        Assert.All(decisionEvents, m => Assert.Equal(id, m.Json.GetProperty("decisionId").GetString()));
        Assert.Equal(Village, decisionEvents[0].Json.GetProperty("territory").GetString());
        var published = string.Join("\n", decisionEvents.Select(m => m.Data));
        Assert.DoesNotContain(Objector, published, StringComparison.Ordinal);
        Assert.DoesNotContain(Minutes, published, StringComparison.Ordinal);

        var delivered = await Eventually.MatchesAsync(
            () => Task.FromResult(receiver.To(hook)), r => r.Any(x => x.Json.GetProperty("type").GetString() == "decision.objection-filed"),
            $"decision {id}'s objection at the webhook", describe: r => string.Join(", ", r.Select(x => x.Headers["GridGov-Event"])));
        Assert.All(delivered, r => Assert.StartsWith("decision.", r.Headers["GridGov-Event"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_input_is_a_400_naming_the_field()
    {
        await (await f.Operator.PutJsonAsync($"/api/v1/villages/{Village}", """{"name":"Village A"}""")).AssertOkAsync();
        await (await f.Operator.PostJsonAsync($"/api/v1/villages/{Village}/decisions", """{"matter":"Buy a tractor","kind":"collectiveFunds","origin":"cadresProposal"}"""))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "amount");
        await (await f.Operator.PutJsonAsync($"/api/v1/villages/{f.Land.StreetA}", """{"name":"A street"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "code");
        var (id, _) = await OpenDecisionAsync();
        await (await StepAsync(id, "party-meeting", Meeting(DateTimeOffset.UtcNow, 5, 5, 5))).AssertProblemAsync(HttpStatusCode.BadRequest, "step");
        await (await StepAsync(id, "proposal", Meeting(DateTimeOffset.UtcNow, 5, 6, 5))).AssertProblemAsync(HttpStatusCode.BadRequest, "present");
        var stale = await f.Operator.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/decisions/{id}/steps/proposal")
        {
            Content = new StringContent(Meeting(DateTimeOffset.UtcNow, 5, 5, 5), System.Text.Encoding.UTF8, "application/json"),
            Headers = { { "If-Match", "\"7\"" } },
        });
        await stale.AssertProblemAsync(HttpStatusCode.PreconditionFailed);
    }

    [Fact]
    public async Task A_cadre_sent_down_with_a_staff_id_handles_the_villages_cases_while_the_term_runs()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await (await f.Operator.PutJsonAsync($"/api/v1/villages/{Village}", $$"""
            {"name":"Village A","cadres":[
              {"name":"孙书记","role":"firstSecretary","sendingUnit":"District Bureau of Agriculture","from":"{{today.AddYears(-1):yyyy-MM-dd}}","staffId":"cadre-sun"},
              {"name":"周队员","role":"workTeamMember","sendingUnit":"City Water Company","from":"{{today.AddYears(-2):yyyy-MM-dd}}","to":"{{today.AddDays(-1):yyyy-MM-dd}}","staffId":"cadre-zhou"}]}
            """)).AssertOkAsync();
        var village = await (await f.Operator.GetAsync($"/api/v1/villages/{Village}")).AssertOkAsync();
        Assert.Contains(village.GetProperty("cadres").EnumerateArray(), c => c.GetProperty("staffId").GetString() == "cadre-sun");

        var inVillage = await f.Land.ReportAsync(f.Operator);
        var outside = await f.Land.ReportAsync(f.Operator, inB: true);
        foreach (var id in new[] { inVillage, outside })
        {
            await Live.Territory.ActAsync(f.Operator, id, "file");
        }

        // A cadre whose term ended, and a cadre of another village's case, are no assignees: 400 naming the field.
        await (await f.Operator.PostJsonAsync($"/api/v1/cases/{inVillage}/dispatch", """{"assignee":"cadre-zhou"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "assignee");
        await (await f.Operator.PostJsonAsync($"/api/v1/cases/{outside}/dispatch", """{"assignee":"cadre-sun"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "assignee");

        await Live.Territory.ActAsync(f.Operator, inVillage, "dispatch", """{"assignee":"cadre-sun"}""");
        await Eventually.TrueAsync(
            async () => (await (await f.Operator.GetAsync($"/api/v1/districts/{f.Land.District}/handlers/cadre-sun/indicators")).AssertOkAsync())
                .GetProperty("current").GetProperty("open").GetInt64() == 1,
            "the cadre's handler indicators counting the case");
    }
}
