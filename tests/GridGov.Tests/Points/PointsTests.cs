using System.Globalization;
using System.Net;
using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Points;

public sealed class PointsTests(PointsFixture f) : IClassFixture<PointsFixture>
{
    private static string DaysAgo(int days) => PointsFixture.Day(DateTime.UtcNow.AddDays(-days));

    private static JsonElement[] Entries(JsonElement statement) =>
        statement.GetProperty("items").EnumerateArray().Select(l => l.GetProperty("entry")).ToArray();

    [Fact]
    public async Task The_same_source_pays_once_when_granted_twice_and_when_granted_in_parallel()
    {
        var w = await f.NewWorldAsync();
        await w.RuleAsync("help", "manual", 3, DaysAgo(30));

        var first = await (await w.GrantAsync(w.M1, "help", "a1")).AssertOkAsync(HttpStatusCode.Created);
        var again = await (await w.GrantAsync(w.M1, "help", "a1")).AssertOkAsync();
        Assert.Equal("duplicate", again.GetProperty("outcome").GetString());
        Assert.Equal(first.GetProperty("entry").GetProperty("seq").GetInt64(), again.GetProperty("entry").GetProperty("seq").GetInt64());

        var parallel = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => w.GrantAsync(w.M1, "help", "a2")));
        Assert.Equal(1, parallel.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(7, parallel.Count(r => r.StatusCode == HttpStatusCode.OK));

        var statement = await w.StatementAsync(w.M1);
        Assert.Equal(["manual:a1", "manual:a2"], Entries(statement).Select(e => e.GetProperty("source").GetString()));
        Assert.Equal(6, statement.GetProperty("balance").GetInt64());
        Assert.Equal(6, await w.RecountAsync(w.M1));
    }

    [Fact]
    public async Task A_cap_pays_the_room_left_in_the_period_then_nothing()
    {
        var w = await f.NewWorldAsync();
        await w.RuleAsync("volunteer", "volunteering", 4, DaysAgo(30), ""","cap":10,"capPeriod":"month" """);

        var paid = new List<int>();
        foreach (var source in new[] { "v1", "v2", "v3" })
        {
            paid.Add((await (await w.GrantAsync(w.M2, "volunteer", source)).AssertOkAsync(HttpStatusCode.Created)).GetProperty("entry").GetProperty("points").GetInt32());
        }

        Assert.Equal([4, 4, 2], paid);
        var capped = await (await w.GrantAsync(w.M2, "volunteer", "v4")).AssertOkAsync();
        Assert.Equal("capped", capped.GetProperty("outcome").GetString());
        Assert.Equal(10, capped.GetProperty("balance").GetInt64());
        Assert.Equal(10, await w.RecountAsync(w.M2));

        // A bad rule is refused naming its field; a rule keeps its trigger.
        await (await w.Operator.PutJsonAsync($"/api/v1/districts/{w.D}/point-rules/bad", $$"""{"name":"bad","points":0,"trigger":"manual","effectiveFrom":"{{PointsFixture.Today}}"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "points");
        await (await w.Operator.PutJsonAsync($"/api/v1/districts/{w.D}/point-rules/volunteer", $$"""{"name":"volunteer","points":4,"trigger":"manual","effectiveFrom":"{{PointsFixture.Today}}"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "trigger");
    }

    [Fact]
    public async Task A_rule_pays_the_version_in_force_on_the_day_and_past_entries_keep_theirs()
    {
        var w = await f.NewWorldAsync();
        await w.RuleAsync("visit", "careVisit", 2, DaysAgo(200));
        await w.RuleAsync("visit", "careVisit", 5, DaysAgo(100));

        var early = await (await w.Operator.PostJsonAsync($"/api/v1/party-members/{w.M1}/visits", $$"""{"householdId":"{{w.H1}}","date":"{{DaysAgo(150)}}","note":"checked the heating"}""")).AssertOkAsync(HttpStatusCode.Created);
        var late = await (await w.Operator.PostJsonAsync($"/api/v1/party-members/{w.M1}/visits", $$"""{"householdId":"{{w.H1}}","date":"{{DaysAgo(50)}}"}""")).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal((1, 2), (early.GetProperty("entries")[0].GetProperty("ruleVersion").GetInt32(), early.GetProperty("entries")[0].GetProperty("points").GetInt32()));
        Assert.Equal((2, 5), (late.GetProperty("entries")[0].GetProperty("ruleVersion").GetInt32(), late.GetProperty("entries")[0].GetProperty("points").GetInt32()));
        Assert.Equal($"visit:{early.GetProperty("id").GetString()}", early.GetProperty("entries")[0].GetProperty("source").GetString());

        // A third version changes nothing that was granted.
        await w.RuleAsync("visit", "careVisit", 9, PointsFixture.Today);
        var versions = await (await w.Operator.GetAsync($"/api/v1/districts/{w.D}/point-rules/visit")).AssertOkAsync();
        Assert.Equal([1, 2, 3], versions.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal([(1, 2), (2, 5)], Entries(await w.StatementAsync(w.M1)).Select(e => (e.GetProperty("ruleVersion").GetInt32(), e.GetProperty("points").GetInt32())));

        // An earlier effective date than the latest version's is refused.
        await (await w.Operator.PutJsonAsync($"/api/v1/districts/{w.D}/point-rules/visit", $$"""{"name":"visit","points":1,"trigger":"careVisit","effectiveFrom":"{{DaysAgo(300)}}"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "effectiveFrom");
    }

    [Fact]
    public async Task A_visit_to_a_household_the_member_is_not_linked_to_is_409_naming_the_household()
    {
        var w = await f.NewWorldAsync();
        await w.RuleAsync("visit", "careVisit", 2, DaysAgo(10));
        await (await w.Operator.PostJsonAsync($"/api/v1/party-members/{w.M1}/visits", $$"""{"householdId":"{{w.H2}}","date":"{{PointsFixture.Today}}"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "householdId");
        await (await w.Operator.PostJsonAsync($"/api/v1/party-members/{w.M2}/visits", $$"""{"householdId":"{{w.H1}}","date":"{{PointsFixture.Today}}"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "householdId");
        await (await w.Operator.PostJsonAsync($"/api/v1/party-members/{w.M1}/visits", $$"""{"householdId":"{{w.H1}}","date":"{{DaysAgo(-2)}}"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "date");
        Assert.Empty(Entries(await w.StatementAsync(w.M1)));
        Assert.Empty(Entries(await w.StatementAsync(w.M2)));
    }

    [Fact]
    public async Task A_meeting_pays_each_attendee_once_and_refuses_a_member_of_another_branch()
    {
        var w = await f.NewWorldAsync();
        await w.RuleAsync("meeting", "meetingAttended", 1, DaysAgo(10));

        await (await w.Operator.PostJsonAsync($"/api/v1/party-organizations/{w.Branch}/meetings", $$"""{"date":"{{PointsFixture.Today}}","topic":"主题党日","attendance":["{{w.M1}}","{{w.M4}}"]}""")).AssertProblemAsync(HttpStatusCode.Conflict, "attendance[1]");
        var meeting = await (await w.Operator.PostJsonAsync($"/api/v1/party-organizations/{w.Branch}/meetings", $$"""{"date":"{{PointsFixture.Today}}","topic":"主题党日","attendance":["{{w.M1}}","{{w.M2}}"]}""")).AssertOkAsync(HttpStatusCode.Created);
        Assert.True(meeting.GetProperty("granted").GetBoolean());

        var source = $"meeting:{meeting.GetProperty("id").GetString()}";
        foreach (var member in new[] { w.M1, w.M2 })
        {
            Assert.Equal([source], Entries(await w.StatementAsync(member)).Select(e => e.GetProperty("source").GetString()));
        }

        Assert.Empty(Entries(await w.StatementAsync(w.M3)));
        var listed = await (await w.Operator.GetAsync($"/api/v1/party-organizations/{w.Branch}/meetings")).AssertOkAsync();
        Assert.Single(listed.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task A_correction_is_a_reversing_entry_and_an_entry_is_reversed_once()
    {
        var w = await f.NewWorldAsync();
        await w.RuleAsync("help", "manual", 7, DaysAgo(10));
        var granted = await (await w.GrantAsync(w.M3, "help", "x")).AssertOkAsync(HttpStatusCode.Created);
        var seq = granted.GetProperty("entry").GetProperty("seq").GetInt64();

        await (await w.Operator.PostJsonAsync($"/api/v1/party-members/{w.M3}/points/corrections", $$"""{"entry":{{seq}},"reason":""}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        var correction = await (await w.Operator.PostJsonAsync($"/api/v1/party-members/{w.M3}/points/corrections", $$"""{"entry":{{seq}},"reason":"granted to the wrong member"}""")).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal((-7, seq), (correction.GetProperty("entry").GetProperty("points").GetInt32(), correction.GetProperty("entry").GetProperty("reverses").GetInt64()));
        await (await w.Operator.PostJsonAsync($"/api/v1/party-members/{w.M3}/points/corrections", $$"""{"entry":{{seq}},"reason":"again"}""")).AssertProblemAsync(HttpStatusCode.Conflict, "entry");

        var entries = Entries(await w.StatementAsync(w.M3));
        Assert.Equal([7, -7], entries.Select(e => e.GetProperty("points").GetInt32()));
        Assert.Equal(0, await w.RecountAsync(w.M3));
    }

    [Fact]
    public async Task A_case_closed_on_time_and_rated_satisfied_pays_its_handler_once_even_when_its_events_come_again()
    {
        var w = await f.NewWorldAsync();
        await w.RuleAsync("closed", "caseClosedOnTime", 5, DaysAgo(10));
        await w.RuleAsync("rated", "caseEvaluatedSatisfied", 2, DaysAgo(10));
        var (x, y) = Fresh.Origin(w.D);
        var report = FormattableString.Invariant($$"""{"category":"event.environment","description":"Rubbish at the gate","source":"gridPatrol","lat":{{y + 0.05}},"lon":{{x + 0.05}}}""");
        var id = (await (await w.Operator.PostJsonAsync("/api/v1/cases", report)).AssertOkAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await w.Operator.AddStaffAsync(w.Grid, ("w-1", "gridWorker"));
        foreach (var (action, body) in new[] { ("file", "{}"), ("dispatch", """{"assignee":"w-1"}"""), ("accept", "{}"), ("resolve", "{}"), ("verify", "{}"), ("evaluate", """{"satisfaction":4,"resolved":true}""") })
        {
            await (await w.Operator.PostJsonAsync($"/api/v1/cases/{id}/{action}", body)).AssertOkAsync();
        }

        var paid = await Eventually.MatchesAsync(
            async () => Entries(await w.StatementAsync(w.M1)).Select(e => (e.GetProperty("ruleCode").GetString(), e.GetProperty("source").GetString())).ToArray(),
            e => e.Length == 2, "the handler's two case entries", describe: e => string.Join(", ", e));
        Assert.Equal([("closed", $"case:{id}"), ("rated", $"case:{id}")], paid.Order());

        var grid = f.Api.Services.GetRequiredService<IClusterClient>().GetGrain<Contracts.Points.ICasePointsGrain>(w.Grid);
        await Eventually.MatchesAsync(grid.AppliedAsync, n => n == 2, "the grid's case-points grain to finish both events", describe: n => n.ToString(CultureInfo.InvariantCulture));

        // The entries count on the case's grid's leaderboard.
        var board = await (await w.Operator.GetAsync($"/api/v1/territory/{w.Grid}/points-leaderboard?period={PointsFixture.Today[..7]}")).AssertOkAsync();
        Assert.Equal((w.M1, 7L), (board.GetProperty("items")[0].GetProperty("memberId").GetString(), board.GetProperty("items")[0].GetProperty("points").GetInt64()));

        // The case's last event again (as a redelivery would bring it): nothing more is paid.
        // (A direct grain call carries a signed caller; entered on a task of its own, it stays out of the HTTP calls.)
        await Task.Run(async () =>
        {
            new CallerContext("test-operator", Roles.Operator, Scopes.All).Enter(f.Api.Services.GetRequiredService<CallerSigner>());
            await f.Api.Services.GetRequiredService<IClusterClient>().GetGrain<ICaseGrain>(id).RepublishAsync();
        });
        await Eventually.MatchesAsync(grid.AppliedAsync, n => n >= 3, "the grid's case-points grain to apply the event again", describe: n => n.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(7, await w.RecountAsync(w.M1));
        Assert.Equal(2, Entries(await w.StatementAsync(w.M1)).Length);
        Assert.Empty(Entries(await w.StatementAsync(w.M2)));
    }

    [Fact]
    public async Task Leaderboards_rank_by_points_then_member_id_and_agree_with_each_members_recount()
    {
        var w = await f.NewWorldAsync();
        await w.RuleAsync("help", "manual", 3, DaysAgo(40));
        await w.RuleAsync("more", "manual", 5, DaysAgo(40));
        await (await w.GrantAsync(w.M1, "help", "a")).AssertOkAsync(HttpStatusCode.Created);
        await (await w.GrantAsync(w.M2, "help", "a")).AssertOkAsync(HttpStatusCode.Created);
        await (await w.GrantAsync(w.M3, "more", "a")).AssertOkAsync(HttpStatusCode.Created);
        await (await w.GrantAsync(w.M4, "help", "a")).AssertOkAsync(HttpStatusCode.Created);
        var month = PointsFixture.Today[..7];

        foreach (var url in new[] { $"/api/v1/party-organizations/{w.Branch}", $"/api/v1/party-grids/{w.PartyGrid}" })
        {
            var board = await (await w.Operator.GetAsync($"{url}/points-leaderboard?period={month}")).AssertOkAsync();
            var rows = board.GetProperty("items").EnumerateArray().Select(r => (r.GetProperty("memberId").GetString()!, r.GetProperty("points").GetInt64())).ToArray();
            var expected = url.Contains("party-grids", StringComparison.Ordinal) ? new[] { w.M3, w.M1, w.M2, w.M4 } : [w.M3, w.M1, w.M2];
            Assert.Equal(expected, rows.Select(r => r.Item1));
            Assert.All(board.GetProperty("items").EnumerateArray(), r => Assert.Equal("党员", r.GetProperty("name").GetString()));
            foreach (var (member, points) in rows)
            {
                Assert.Equal(await w.RecountAsync(member), points);
            }
        }

        // Paged: one row a page, in the same order; another period is empty; a bad period is a 400.
        var first = await (await w.Operator.GetAsync($"/api/v1/party-organizations/{w.Branch}/points-leaderboard?period={month}&limit=1")).AssertOkAsync();
        var second = await (await w.Operator.GetAsync($"/api/v1/party-organizations/{w.Branch}/points-leaderboard?period={month}&limit=1&cursor={first.GetProperty("nextCursor").GetString()}")).AssertOkAsync();
        Assert.Equal((w.M1, 2), (second.GetProperty("items")[0].GetProperty("memberId").GetString(), second.GetProperty("items")[0].GetProperty("rank").GetInt32()));
        var lastYear = (int.Parse(month[..4], CultureInfo.InvariantCulture) - 1).ToString(CultureInfo.InvariantCulture);
        Assert.Empty((await (await w.Operator.GetAsync($"/api/v1/party-grids/{w.PartyGrid}/points-leaderboard?period={lastYear}")).AssertOkAsync()).GetProperty("items").EnumerateArray());
        await (await w.Operator.GetAsync($"/api/v1/party-grids/{w.PartyGrid}/points-leaderboard?period=2026-13")).AssertProblemAsync(HttpStatusCode.BadRequest, "period");
    }

    [Fact]
    public async Task A_statement_exports_as_csv_with_its_running_balance()
    {
        var w = await f.NewWorldAsync();
        await w.RuleAsync("help", "manual", 4, DaysAgo(10));
        await w.RuleAsync("fine", "manual", -1, DaysAgo(10));
        await (await w.GrantAsync(w.M2, "help", "a")).AssertOkAsync(HttpStatusCode.Created);
        await (await w.GrantAsync(w.M2, "fine", "b")).AssertOkAsync(HttpStatusCode.Created);

        var response = await w.Operator.GetAsync($"/api/v1/party-members/{w.M2}/points?format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("seq,day,rule_code,rule_version,points,balance,", lines[0], StringComparison.Ordinal);
        Assert.Equal([("4", "4"), ("-1", "3")], lines.Skip(1).Select(l => l.Split(',')).Select(c => (c[4], c[5])));

        using var accept = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/party-members/{w.M2}/points");
        accept.Headers.Accept.ParseAdd("text/csv");
        Assert.Equal(lines.Length, (await (await w.Operator.SendAsync(accept)).Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        var page = await (await w.Operator.GetAsync($"/api/v1/party-members/{w.M2}/points?limit=1")).AssertOkAsync();
        var next = await (await w.Operator.GetAsync($"/api/v1/party-members/{w.M2}/points?limit=1&cursor={page.GetProperty("nextCursor").GetString()}")).AssertOkAsync();
        Assert.Equal(3, next.GetProperty("items")[0].GetProperty("balance").GetInt64());
    }
}
