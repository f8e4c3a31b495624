using System.Net;
using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using GridGov.Grains.Cases;
using GridGov.Tests.Api;
using GridGov.Tests.Cases;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Indicators;

/// <summary>Indicators through the API: the closed loop counted at every level, rankings, handlers and the recount.</summary>
public sealed class IndicatorsApiTests(CaseFixture f) : IClassFixture<CaseFixture>
{
    private static string Id(JsonElement c) => c.GetProperty("id").GetString()!;

    private async Task<JsonElement> IndicatorsAsync(string code, string query = "") =>
        await (await f.Operator.GetAsync($"/api/v1/territory/{code}/indicators{query}")).AssertOkAsync();

    private static long Count(JsonElement view, string section, string metric) => view.GetProperty(section).GetProperty(metric).GetInt64();

    /// <summary>Takes a case through the whole loop: filed, dispatched, accepted, resolved, verified, evaluated 5 / resolved.</summary>
    private async Task<string> ClosedCaseAsync()
    {
        var id = Id(await f.ReportAsync(f.Operator));
        await f.ActAsync(f.CommandCentre, id, "file");
        await f.ActAsync(f.CommandCentre, id, "dispatch", """{"assignee":"w-1"}""");
        await f.ActAsync(f.Worker, id, "accept");
        await f.ActAsync(f.Worker, id, "resolve");
        await f.ActAsync(f.CommandCentre, id, "verify");
        await f.ActAsync(f.CommandCentre, id, "evaluate", """{"satisfaction":5,"resolved":true}""");
        return id;
    }

    [Fact]
    public async Task The_district_counts_the_closed_loop_and_reflects_a_new_case_within_two_seconds()
    {
        var before = await IndicatorsAsync(f.District);
        await ClosedCaseAsync();
        var open = Id(await f.ReportAsync(f.Operator, f.Report(dx: 0.15)));

        var after = await Eventually.MatchesAsync(
            () => IndicatorsAsync(f.District),
            v => Count(v, "period", Metrics.Evaluated) == Count(before, "period", Metrics.Evaluated) + 1
                && Count(v, "current", Metrics.Open) == Count(before, "current", Metrics.Open) + 1,
            "the district to count the evaluated case and the open one");
        foreach (var metric in new[] { Metrics.Reported })
        {
            Assert.Equal(Count(before, "period", metric) + 2, Count(after, "period", metric));
        }

        foreach (var metric in new[] { Metrics.Filed, Metrics.Dispatched, Metrics.RespondedInTime, Metrics.Closed, Metrics.ClosedOnTime, Metrics.Resolved, Metrics.Satisfied })
        {
            Assert.Equal(Count(before, "period", metric) + 1, Count(after, "period", metric));
        }

        Assert.Equal(Count(after, "period", Metrics.Reported), Count(after, "today", Metrics.Reported));
        Assert.Equal(1.0, after.GetProperty("rates").GetProperty("satisfaction").GetDouble());
        Assert.True(after.GetProperty("byCategory").GetProperty("event.environment").GetProperty(Metrics.Reported).GetInt64() >= 2);
        Assert.True(after.GetProperty("bySource").GetProperty("gridPatrol").GetProperty(Metrics.Reported).GetInt64() >= 2);

        // Each level holds its own share: grid 2 has the open case, grid 1 the closed one.
        var grid2 = await IndicatorsAsync(f.Grid2);
        Assert.True(Count(grid2, "current", Metrics.Open) >= 1);

        // A new event shows at the district within two seconds.
        var dispatchedBefore = Count(await IndicatorsAsync(f.District), "period", Metrics.Filed);
        await f.ActAsync(f.CommandCentre, open, "file");
        await Eventually.MatchesAsync(
            () => IndicatorsAsync(f.District),
            v => Count(v, "period", Metrics.Filed) == dispatchedBefore + 1,
            "the district to count the filing",
            TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task A_period_before_any_case_counts_nothing_but_the_gauges()
    {
        await ClosedCaseAsync();
        var old = await IndicatorsAsync(f.District, "?from=2020-01-01&to=2020-12-31");
        Assert.Equal("2020-01-01", old.GetProperty("from").GetString());
        Assert.All(old.GetProperty("period").EnumerateObject(), p => Assert.Equal(0, p.Value.GetInt64()));
        Assert.Equal(JsonValueKind.Null, old.GetProperty("rates").GetProperty("closure").ValueKind);
    }

    [Fact]
    public async Task Rankings_order_the_grids_by_an_indicator()
    {
        // Grid 2 gets two more open cases than grid 1 has.
        var baseline = await (await f.Operator.GetAsync($"/api/v1/territory/{f.District}/ranking?indicator=open&level=grid")).AssertOkAsync();
        long OpenOf(JsonElement ranking, string code) =>
            ranking.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == code).GetProperty("open").GetInt64();
        var lead = OpenOf(baseline, f.Grid1) - OpenOf(baseline, f.Grid2);
        for (var i = 0; i < Math.Max(0, lead) + 2; i++)
        {
            await f.ReportAsync(f.Operator, f.Report(dx: 0.15));
        }

        var ranking = await Eventually.MatchesAsync(
            async () => await (await f.Operator.GetAsync($"/api/v1/territory/{f.District}/ranking?indicator=open&level=grid")).AssertOkAsync(),
            r => r.GetProperty("items").EnumerateArray().First().GetProperty("code").GetString() == f.Grid2,
            "grid 2 to lead the ranking by open cases");
        Assert.Equal(2, ranking.GetProperty("items").GetArrayLength());
        Assert.Equal("grid", ranking.GetProperty("items")[0].GetProperty("level").GetString());

        var ascending = await (await f.Operator.GetAsync($"/api/v1/territory/{f.District}/ranking?indicator=open&level=grid&order=asc")).AssertOkAsync();
        Assert.Equal(f.Grid1, ascending.GetProperty("items")[0].GetProperty("code").GetString());

        var children = await (await f.Operator.GetAsync($"/api/v1/territory/{f.District}/ranking?indicator=closure")).AssertOkAsync();
        Assert.Equal($"{f.District}001", Assert.Single(children.GetProperty("items").EnumerateArray()).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("ranking?indicator=nonsense", "indicator")]
    [InlineData("ranking", "indicator")]
    [InlineData("ranking?indicator=open&level=district", "level")]
    [InlineData("ranking?indicator=open&level=planet", "level")]
    [InlineData("ranking?indicator=open&order=up", "order")]
    [InlineData("ranking?indicator=open&limit=0", "limit")]
    [InlineData("indicators?from=2026-13-01", "from")]
    [InlineData("indicators?from=2026-11-02&to=2026-11-01", "to")]
    [InlineData("indicators?from=2001-01-01&to=2026-11-01", "from")]
    public async Task Bad_parameters_are_a_400_naming_them(string path, string field)
    {
        var response = await f.Operator.GetAsync($"/api/v1/territory/{f.District}/{path}");
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    [Fact]
    public async Task A_missing_node_is_a_404()
    {
        var response = await f.Operator.GetAsync($"/api/v1/territory/{f.District}999/indicators");
        await response.AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_handler_reads_their_own_indicators_and_no_one_elses()
    {
        await ClosedCaseAsync();
        var own = await Eventually.MatchesAsync(
            async () => await (await f.Worker.GetAsync($"/api/v1/districts/{f.District}/handlers/w-1/indicators")).AssertOkAsync(),
            v => Count(v, "period", Metrics.Evaluated) >= 1,
            "w-1's evaluated case to reach the read model");
        Assert.True(Count(own, "period", Metrics.Dispatched) >= 1);
        await (await f.Worker.GetAsync($"/api/v1/districts/{f.District}/handlers/w-2/indicators")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var other = await (await f.CommandCentre.GetAsync($"/api/v1/districts/{f.District}/handlers/w-2/indicators")).AssertOkAsync();
        Assert.Equal(0, Count(other, "period", Metrics.Dispatched));
    }

    [Fact]
    public async Task The_recount_finds_no_drift_in_a_quiet_district_and_repairs_drift_it_finds()
    {
        var closed = await ClosedCaseAsync();
        var open = Id(await f.ReportAsync(f.Operator));

        // Once the read model holds both cases as they stand and the roll-up has caught up, the two agree.
        foreach (var (id, state) in new[] { (closed, "evaluated"), (open, "reported") })
        {
            await Eventually.TrueAsync(
                async () => (await (await f.Operator.GetAsync($"/api/v1/cases?territory={f.District}&state={state}&limit=500")).AssertOkAsync())
                    .GetProperty("items").EnumerateArray().Any(c => Id(c) == id),
                $"case {id} {state} in the read model");
        }

        var quiet = await Eventually.MatchesAsync(
            async () => await (await f.Operator.PostJsonAsync($"/api/v1/territory/{f.District}/indicators/recount", "")).AssertOkAsync(),
            r => r.GetProperty("drift").GetArrayLength() == 0,
            "a recount without drift");
        Assert.False(quiet.GetProperty("repaired").GetBoolean());
        Assert.True(quiet.GetProperty("casesCounted").GetInt32() >= 2);

        // A case the live roll-up never saw (written straight into the read model) is drift: found and repaired.
        var readModel = f.Api.Services.GetRequiredService<ICaseReadModel>();
        var ghost = new CaseSnapshot
        {
            Id = CaseIds.New(f.District, DateTimeOffset.UtcNow),
            State = CaseState.Reported,
            Category = "event.environment",
            Source = CaseSource.Hotline12345,
            Description = "ghost",
            GridCode = f.Grid2,
            MediaUrls = [],
            ReportedBy = "test",
            ReportedAt = DateTimeOffset.UtcNow,
            HandledAt = TerritoryLevel.Grid,
            Version = 1,
        };
        await readModel.UpsertAsync([ghost], CancellationToken.None);
        var openBefore = Count(await IndicatorsAsync(f.District), "current", Metrics.Open);

        var repair = await (await f.Operator.PostJsonAsync($"/api/v1/territory/{f.District}/indicators/recount", "")).AssertOkAsync();
        Assert.True(repair.GetProperty("repaired").GetBoolean());
        Assert.Contains(repair.GetProperty("drift").EnumerateArray(), d =>
            d.GetProperty("metric").GetString() == Metrics.Open && d.GetProperty("recount").GetInt64() == d.GetProperty("live").GetInt64() + 1);
        Assert.Equal(0, repair.GetProperty("driftAfterRepair").GetArrayLength());
        Assert.Equal(openBefore + 1, Count(await IndicatorsAsync(f.District), "current", Metrics.Open));
    }
}
