using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using GridGov.Tests.Api;
using GridGov.Tests.Cluster;
using GridGov.Tests.CommandCentre;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Live;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Demo;

/// <summary>
/// The demo tool, run as the third party it is against the API in Embedded mode, loads the article's district; what
/// it loaded is then read back through the API (never taken from the plan): 389 comprehensive grids, 276
/// Party-building grids, 45 committees, 119 branches and 294 groups, and a month of cases in every state, dispatched
/// to the grid workers and departments it registered, its escalations naming supervisors. A small
/// month (60 cases, three decks of states) keeps the run short; the district itself is the article's whole.
/// </summary>
public sealed class DemoLoadTests
{
    private const string District = "460204";
    private const int Cases = 60;

    private static readonly TimeSpan DemoTimeout = TimeSpan.FromMinutes(4);

    private static readonly string[] States = ["reported", "filed", "rejected", "dispatched", "inProgress", "resolved", "closed", "evaluated", "merged"];

    [Fact]
    public async Task The_demo_loads_the_articles_district_and_a_month_of_cases_in_every_state()
    {
        await using var api = new ApiFactory();
        api.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        api.StartServer();
        var address = new Uri(api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        // The operator key Embedded mode wrote at its first start (the factory's own reader needs its test server).
        var key = (await File.ReadAllTextAsync(Path.Combine(api.DataFolder, "bootstrap-api-key"))).Trim();
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);

        var (exit, output) = await RunDemoAsync(address, key);
        Assert.True(exit == 0, $"The demo failed ({exit}):\n{output}");

        // Territory: the district's grids and micro-grids, in one page of the map.
        var map = await (await http.GetAsync($"/api/v1/territory/{District}/map")).AssertOkAsync();
        Assert.Equal(JsonValueKind.Null, map.GetProperty("nextCursor").ValueKind);
        var levels = map.GetProperty("features").EnumerateArray()
            .Select(f => (Code: f.GetProperty("properties").GetProperty("code").GetString()!, Level: f.GetProperty("properties").GetProperty("level").GetString()!))
            .ToArray();
        var grids = levels.Where(f => f.Level == "grid").Select(f => f.Code).ToArray();
        Assert.Equal(389, grids.Length);
        Assert.Equal(213, levels.Count(f => f.Level == "microGrid"));

        // Party-building grids: every grid names its own, and those merge the 389 grids, each exactly once.
        var partyGridOf = await ReadAllAsync(grids, async code => (await (await http.GetAsync($"/api/v1/territory/{code}")).AssertOkAsync()).GetProperty("partyGridId").GetString());
        Assert.All(partyGridOf.Values, Assert.NotNull);
        var partyGrids = partyGridOf.Values.Distinct().Select(p => p!).ToArray();
        Assert.Equal(276, partyGrids.Length);
        var members = await ReadAllAsync(partyGrids, async id => (await (await http.GetAsync($"/api/v1/party-grids/{id}")).AssertOkAsync())
            .GetProperty("gridCodes").EnumerateArray().Select(g => g.GetString()!).ToArray());
        Assert.Equal(grids.Order(StringComparer.Ordinal), members.Values.SelectMany(g => g).Order(StringComparer.Ordinal));

        // Police areas: one per community, whose computed grids together are the district's grids.
        var police = (await (await http.GetAsync($"/api/v1/districts/{District}/police-areas?limit=500")).AssertOkAsync()).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(45, police.Length);
        Assert.All(police, p => Assert.False(string.IsNullOrEmpty(p.GetProperty("officer").GetProperty("maskedPhone").GetString())));
        Assert.Equal(grids.Order(StringComparer.Ordinal), police.SelectMany(p => p.GetProperty("grids").EnumerateArray().Select(g => g.GetString()!)).Distinct().Order(StringComparer.Ordinal));

        // Organizations: branches and groups sit on the Party-building grids (or their grids); committees are their parents.
        var onPartyGrids = await ReadAllAsync(partyGrids, async id => (await (await http.GetAsync($"/api/v1/party-grids/{id}/organizations")).AssertOkAsync())
            .GetProperty("items").EnumerateArray().Select(o => (Id: o.GetProperty("id").GetString()!, Kind: o.GetProperty("kind").GetString()!, Parent: o.GetProperty("parentId").GetString())).ToArray());
        var organizations = onPartyGrids.Values.SelectMany(o => o).DistinctBy(o => o.Id).ToArray();
        Assert.Equal(119, organizations.Count(o => o.Kind == "branch"));
        Assert.Equal(294, organizations.Count(o => o.Kind == "group"));
        var committees = organizations.Where(o => o.Kind == "branch").Select(o => o.Parent!).Distinct().ToArray();
        var committeeKinds = await ReadAllAsync(committees, async id => (await (await http.GetAsync($"/api/v1/party-organizations/{id}")).AssertOkAsync()).GetProperty("kind").GetString());
        Assert.Equal(45, committeeKinds.Values.Count(k => k == "committee"));

        // The month of cases, from the read model (which follows the grids' events by a moment): all of them, every state.
        var cases = await Eventually.MatchesAsync(
            async () => (await (await http.GetAsync($"/api/v1/cases?territory={District}&limit=500")).AssertOkAsync()).GetProperty("items").EnumerateArray().ToArray(),
            items => items.Length == Cases && States.All(s => items.Any(c => c.GetProperty("state").GetString() == s)),
            $"the {Cases} cases in every state",
            describe: items => string.Join(", ", items.GroupBy(c => c.GetProperty("state").GetString()).Select(g => $"{g.Key} {g.Count()}")));
        Assert.Contains(cases, c => c.GetProperty("satisfaction").ValueKind == JsonValueKind.Number);
        Assert.Contains(cases, c => c.GetProperty("reworks").GetInt32() > 0);
        Assert.Contains(cases, c => c.GetProperty("handledAt").GetString() is "community" or "street");
        Assert.Contains(cases, c => c.GetProperty("mergedInto").ValueKind == JsonValueKind.String);
        Assert.True(cases.Select(c => c.GetProperty("gridCode").GetString()).Distinct().Count() > 20, "The cases are spread over the district's grids.");
        Assert.True(cases.Select(c => c.GetProperty("source").GetString()).Distinct().Count() >= 3, "The cases come from several sources.");
        // Dispatched to people and departments that exist: the registry holds the demo's departments, some cases went to them.
        var departments = (await (await http.GetAsync($"/api/v1/districts/{District}/departments")).AssertOkAsync()).GetProperty("items").EnumerateArray()
            .Select(d => d.GetProperty("code").GetString()!).ToArray();
        Assert.Equal(["environment", "housing", "market", "municipal", "urban-management"], departments.Order(StringComparer.Ordinal));
        Assert.Contains(cases, c => c.GetProperty("assignee").GetString()?.StartsWith("department:", StringComparison.Ordinal) == true);
        var worker = cases.Select(c => c.GetProperty("assignee").GetString()).First(a => a is not null && !a.StartsWith("department:", StringComparison.Ordinal))!;
        var staff = (await (await http.GetAsync($"/api/v1/territory/{worker[..worker.LastIndexOf('-')]}")).AssertOkAsync()).GetProperty("staff").EnumerateArray().ToArray();
        Assert.Equal(["gridChief", "gridWorker", "gridWorker"], staff.Select(m => m.GetProperty("role").GetString()!).Order(StringComparer.Ordinal));
        Assert.Contains(staff, m => m.GetProperty("id").GetString() == worker);

        // Enterprises: the ledger's 300, each placed in one of the district's grids, some with the grid's Party branch.
        var enterprises = (await (await http.GetAsync($"/api/v1/territory/{District}/enterprises?limit=500")).AssertOkAsync()).GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(300, enterprises.Length);
        Assert.All(enterprises, e => Assert.Contains(e.GetProperty("gridCode").GetString(), grids));
        Assert.Contains(enterprises, e => e.GetProperty("partyOrganizationId").ValueKind == JsonValueKind.String);

        // Evidence: a closed case keeps its resolution's photos and note, a rated one its comment.
        var evaluated = (await (await http.GetAsync($"/api/v1/cases/{cases.First(c => c.GetProperty("state").GetString() == "evaluated").GetProperty("id").GetString()}")).AssertOkAsync());
        Assert.Contains(evaluated.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("step").GetString() == "resolved" && e.GetProperty("photos").GetArrayLength() > 0);
        Assert.False(string.IsNullOrEmpty(evaluated.GetProperty("evaluationComment").GetString()));

        // An escalation names the supervisor of the level it reached (the events' log, replayed from its start).
        await using (var events = await SseClient.OpenAsync(http, $"/api/v1/territory/{District}/events", lastEventId: "0"))
        {
            var escalated = (await events.UntilAsync(m => m.Event == "case" && m.Type == "escalated", "an escalation", TimeSpan.FromSeconds(60))).Last();
            var supervisors = escalated.Json.GetProperty("supervisors").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
            Assert.Single(supervisors);
            Assert.EndsWith("-S1", supervisors[0], StringComparison.Ordinal);
        }

        // The cases left open in the 2-hour tier carry a deadline two hours after their dispatch: they are the overdue ones to come.
        Assert.Contains(cases, c => c.GetProperty("state").GetString() is "dispatched" or "inProgress"
            && c.GetProperty("deadline").GetDateTimeOffset() - c.GetProperty("dispatchedAt").GetDateTimeOffset() == TimeSpan.FromHours(2));

        // The Party-building practices: a rule changed half-way through the year, and two villages (the first two of
        // the first town) whose decisions stand at different steps.
        var careVisit = await (await http.GetAsync($"/api/v1/districts/{District}/point-rules/care-visit")).AssertOkAsync();
        Assert.Equal(2, careVisit.GetProperty("versions").GetArrayLength());
        var first = (await (await http.GetAsync($"/api/v1/villages/{District}005001/decisions")).AssertOkAsync()).GetProperty("items").EnumerateArray()
            .Select(d => (Status: d.GetProperty("status").GetString(), Next: d.GetProperty("nextStep").GetString())).ToArray();
        Assert.Equal([("completed", null), ("open", "result-disclosure")], first.Order().ToArray());
        var second = Assert.Single((await (await http.GetAsync($"/api/v1/villages/{District}005002/decisions")).AssertOkAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal("party-assembly", second.GetProperty("nextStep").GetString());
        using var anonymous = new HttpClient { BaseAddress = address };
        var board = await (await anonymous.GetAsync($"/api/v1/villages/{District}005001/board")).AssertOkAsync();
        Assert.Equal(2, board.GetProperty("items").GetArrayLength());

        // The service circle: every kind somewhere in the district, each point placed in a grid of the community its id names.
        var points = (await (await http.GetAsync($"/api/v1/districts/{District}/layers/service-points")).AssertOkAsync()).GetProperty("features").EnumerateArray().ToArray();
        Assert.InRange(points.Length, 300, 2000);
        Assert.Equal(10, points.Select(p => p.GetProperty("properties").GetProperty("kind").GetString()).Distinct().Count());
        Assert.All(points, p => Assert.StartsWith(p.GetProperty("id").GetString()![..15].Replace("-SP", "", StringComparison.Ordinal), p.GetProperty("properties").GetProperty("gridCode").GetString()!, StringComparison.Ordinal));
    }

    /// <summary>The demo tool as a process, with a small month and no pacing (the test host's keys have no rate limit).</summary>
    private static async Task<(int Exit, string Output)> RunDemoAsync(Uri address, string key)
    {
        var info = new ProcessStartInfo(SiloBinary.DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     CommandCentreFixture.DemoTool(), "--url", address.ToString(), "--key", key, "--households", "0", "--members", "0",
                     "--cases", Cases.ToString(System.Globalization.CultureInfo.InvariantCulture), "--rate", "0", "--concurrency", "8", "--progress", "60",
                 })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("The demo tool did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(DemoTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>One read per key, eight at a time.</summary>
    private static async Task<IReadOnlyDictionary<string, T>> ReadAllAsync<T>(IReadOnlyList<string> keys, Func<string, Task<T>> read)
    {
        var found = new ConcurrentDictionary<string, T>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, _) => found[key] = await read(key));
        return found;
    }
}
