using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Live;

namespace GridGov.Tests.Cases;

/// <summary>Escalation reaches people: listed at its level, the level's supervisors named, a supervisor acting on it, counted.</summary>
public sealed class EscalationTests(EscalationFixture f) : IClassFixture<EscalationFixture>
{
    private async Task<JsonElement[]> EscalatedAsync(string code) =>
        (await (await f.Operator.GetAsync($"/api/v1/territory/{code}/escalated")).AssertOkAsync()).GetProperty("items").EnumerateArray().ToArray();

    private async Task<JsonElement> ListedAsync(string code, string id) =>
        (await Eventually.MatchesAsync(() => EscalatedAsync(code), items => items.Any(i => i.GetProperty("id").GetString() == id), $"case {id} listed as escalated at {code}"))
        .Single(i => i.GetProperty("id").GetString() == id);

    private static string[] Supervisors(SseMessage m) =>
        m.Json.GetProperty("supervisors").EnumerateArray().Select(s => $"{s.GetProperty("id").GetString()}:{s.GetProperty("name").GetString()}").ToArray();

    [Fact]
    public async Task An_escalated_case_is_listed_at_its_level_with_since_and_overdue_and_its_event_names_the_supervisors()
    {
        await using var events = await SseClient.OpenAsync(f.Operator, $"/api/v1/territory/{f.Community}/events");
        var id = await f.FiledAsync();
        var dispatched = await f.ActAsync(f.Operator, id, "dispatch", """{"assignee":"w-1"}""");
        var deadline = dispatched.GetProperty("deadline").GetDateTimeOffset();

        var before = DateTimeOffset.UtcNow;
        var escalated = await f.ActAsync(f.Operator, id, "escalate", """{"note":"Needs the community"}""");
        var after = DateTimeOffset.UtcNow;
        Assert.Equal("community", escalated.GetProperty("handledAt").GetString());
        Assert.InRange(escalated.GetProperty("escalatedAt").GetDateTimeOffset(), before.AddSeconds(-1), after.AddSeconds(1));

        var message = (await events.UntilAsync(m => m.Event == "case" && m.CaseId == id && m.Type == "escalated", $"case {id} escalated")).Last();
        Assert.Equal(["s-c:Staff s-c"], Supervisors(message));

        var listed = await ListedAsync(f.Community, id);
        var now = DateTimeOffset.UtcNow;
        Assert.Equal("community", listed.GetProperty("level").GetString());
        Assert.InRange(listed.GetProperty("since").GetDateTimeOffset(), before.AddSeconds(-1), after.AddSeconds(1));
        Assert.Equal(deadline, listed.GetProperty("deadline").GetDateTimeOffset());
        // now − deadline: negative while time is left.
        Assert.InRange(listed.GetProperty("overdueMinutes").GetInt64(), (long)Math.Floor((before - deadline).TotalMinutes) - 1, (long)Math.Floor((now - deadline).TotalMinutes) + 1);
        Assert.DoesNotContain(await EscalatedAsync(f.Street), i => i.GetProperty("id").GetString() == id);
        Assert.DoesNotContain(await EscalatedAsync(f.Grid1), i => i.GetProperty("id").GetString() == id);

        // One level up: the street lists it and its supervisor is named; the community no longer lists it.
        await f.ActAsync(f.Operator, id, "escalate");
        var street = (await events.UntilAsync(m => m.Event == "case" && m.CaseId == id && m.Type == "escalated" && m.Json.GetProperty("version").GetInt64() == 5, $"case {id} escalated to the street")).Last();
        Assert.Equal(["s-s:Staff s-s"], Supervisors(street));
        Assert.Equal("street", (await ListedAsync(f.Street, id)).GetProperty("level").GetString());
        await Eventually.TrueAsync(async () => (await EscalatedAsync(f.Community)).All(i => i.GetProperty("id").GetString() != id), $"case {id} no longer listed at the community");
        Assert.DoesNotContain(await EscalatedAsync(f.District), i => i.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task A_community_supervisor_redispatches_an_escalated_case_and_orders_rework()
    {
        await (await f.Operator.PutJsonAsync($"/api/v1/districts/{f.District}/departments/roads", """{"name":"Roads office","contact":"0898-6666 1234"}""")).AssertOkAsync(System.Net.HttpStatusCode.Created);
        var id = await f.FiledAsync();
        await f.ActAsync(f.Operator, id, "dispatch", """{"assignee":"w-1"}""");
        await f.ActAsync(f.Worker, id, "accept");
        await f.ActAsync(f.Supervisor, id, "escalate");

        // In progress, escalated: the community's supervisor reassigns it, to a department, then back to the worker.
        var toDepartment = await f.ActAsync(f.Supervisor, id, "dispatch", """{"assignee":"department:roads"}""");
        Assert.Equal(("dispatched", "department:roads", "community"), (toDepartment.GetProperty("state").GetString(), toDepartment.GetProperty("assignee").GetString(), toDepartment.GetProperty("handledAt").GetString()));
        var toWorker = await f.ActAsync(f.Supervisor, id, "dispatch", """{"assignee":"w-1"}""");
        Assert.Equal("w-1", toWorker.GetProperty("assignee").GetString());
        Assert.Equal(toDepartment.GetProperty("deadline").GetDateTimeOffset(), toWorker.GetProperty("deadline").GetDateTimeOffset());

        await f.ActAsync(f.Worker, id, "accept");
        await f.ActAsync(f.Worker, id, "resolve");
        var reworked = await f.ActAsync(f.Supervisor, id, "rework", """{"note":"Still piled up"}""");
        Assert.Equal(("dispatched", 1, "community"), (reworked.GetProperty("state").GetString(), reworked.GetProperty("reworks").GetInt32(), reworked.GetProperty("handledAt").GetString()));

        var history = await (await f.Supervisor.GetAsync($"/api/v1/cases/{id}/history")).AssertOkAsync();
        Assert.Equal(
            ["reported", "filed", "dispatched", "accepted", "escalated", "dispatched", "dispatched", "accepted", "resolved", "reworked"],
            history.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("type").GetString()!).ToArray());
        Assert.Equal("s-c", history.GetProperty("events")[5].GetProperty("actor").GetString());
    }

    [Fact]
    public async Task Indicators_count_escalations_per_level()
    {
        // Grid 2's cases are this test's alone (the other tests' cases, still moving up, are in grid 1).
        async Task<JsonElement> PeriodAsync() =>
            (await (await f.Operator.GetAsync($"/api/v1/territory/{f.Grid2}/indicators")).AssertOkAsync()).GetProperty("period");
        var before = await PeriodAsync();

        var toCommunity = await f.FiledAsync(dx: 0.15, dy: 0.05);
        await f.ActAsync(f.Operator, toCommunity, "escalate");
        var toDistrict = await f.FiledAsync(dx: 0.15, dy: 0.05);
        foreach (var _ in new[] { "community", "street", "district" })
        {
            await f.ActAsync(f.Operator, toDistrict, "escalate");
        }

        // A case counts once, at the level it reached last.
        string[] metrics = [Metrics.Escalated, Metrics.EscalatedToCommunity, Metrics.EscalatedToStreet, Metrics.EscalatedToDistrict];
        long[] expected = [2, 1, 0, 1];
        await Eventually.MatchesAsync(
            PeriodAsync,
            p => metrics.Select((m, i) => p.GetProperty(m).GetInt64() - before.GetProperty(m).GetInt64() == expected[i]).All(ok => ok),
            "two more escalations, one to the community and one to the district",
            describe: p => string.Join(", ", metrics.Select(m => $"{m} {before.GetProperty(m).GetInt64()} → {p.GetProperty(m).GetInt64()}")));
    }
}
