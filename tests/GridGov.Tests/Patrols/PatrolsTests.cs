using System.Globalization;
using System.Net;
using GridGov.Tests.Api;
using GridGov.Tests.Points;

namespace GridGov.Tests.Patrols;

public sealed class PatrolsTests(PatrolsFixture f) : IClassFixture<PatrolsFixture>
{
    /// <summary>0.01° of latitude on the mean earth radius (6,371,008.8 m): 2π·R/36,000.</summary>
    private const double MetresPerHundredthDegree = 1111.950802;

    [Fact]
    public async Task A_batch_is_checked_point_by_point_and_a_retried_batch_is_taken_once()
    {
        var w = await f.NewWorldAsync();
        var (id, t0) = await w.StartAsync(w.W1);
        var (lat, lon) = (w.Y + 0.01, w.X + 0.01);

        await (await w.PointsAsync(w.W1, id, 1, (lat, lon, t0.AddSeconds(1)), (lat, lon, t0.AddSeconds(2)), (95, lon, t0.AddSeconds(3)))).AssertProblemAsync(HttpStatusCode.BadRequest, "points[2].lat");
        await (await w.PointsAsync(w.W1, id, 1, (lat, lon, t0.AddSeconds(-30)))).AssertProblemAsync(HttpStatusCode.BadRequest, "points[0].at");
        await (await w.PointsAsync(w.W1, id, 1, (lat, lon, t0.AddSeconds(5)), (lat, lon, t0.AddSeconds(4)))).AssertProblemAsync(HttpStatusCode.BadRequest, "points[1].at");
        await (await w.PointsAsync(w.W1, id, 1, (lat, lon, t0.AddHours(1)))).AssertProblemAsync(HttpStatusCode.BadRequest, "points[0].at");
        await (await w.PointsAsync(w.W1, id, 2, (lat, lon, t0.AddSeconds(1)))).AssertProblemAsync(HttpStatusCode.Conflict, "batch");
        await (await w.W1.PostJsonAsync($"/api/v1/patrols/{id}/points", """{"batch":1,"points":[]}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "points");
        var tooMany = PatrolWorld.Batch(1, Enumerable.Range(0, 1001).Select(i => (lat, lon, t0.AddMilliseconds(i))));
        await (await w.W1.PostJsonAsync($"/api/v1/patrols/{id}/points", tooMany)).AssertProblemAsync(HttpStatusCode.BadRequest, "points");

        var first = await (await w.PointsAsync(w.W1, id, 1, (lat, lon, t0.AddSeconds(1)), (lat + 0.001, lon, t0.AddSeconds(2)))).AssertOkAsync();
        Assert.False(first.GetProperty("duplicate").GetBoolean());
        var retried = await (await w.PointsAsync(w.W1, id, 1, (lat, lon, t0.AddSeconds(1)), (lat + 0.001, lon, t0.AddSeconds(2)))).AssertOkAsync();
        Assert.True(retried.GetProperty("duplicate").GetBoolean());
        Assert.Equal(2, retried.GetProperty("patrol").GetProperty("points").GetInt32());
        await (await w.PointsAsync(w.W1, id, 1, (lat, lon, t0.AddSeconds(1)))).AssertProblemAsync(HttpStatusCode.Conflict, "batch");

        // The next batch starts no earlier than the last point of the one before.
        await (await w.PointsAsync(w.W1, id, 2, (lat, lon, t0.AddMilliseconds(1500)))).AssertProblemAsync(HttpStatusCode.BadRequest, "points[0].at");
        await (await w.PointsAsync(w.W1, id, 2, (lat, lon, t0.AddSeconds(3)))).AssertOkAsync();
        var track = await w.GetAsync(w.Operator, $"/api/v1/patrols/{id}/track");
        Assert.Equal(3, track.GetProperty("points").GetArrayLength());
        Assert.Equal(w.Y + 0.011, track.GetProperty("points")[1].GetProperty("lat").GetDouble(), 9);
    }

    [Fact]
    public async Task Distance_is_the_haversine_length_of_the_track_across_batches_and_micro_grids_count_where_points_lay()
    {
        var w = await f.NewWorldAsync();
        var (id, t0) = await w.StartAsync(w.W1);
        var lon = w.X + 0.02;

        // North along a meridian, 0.01° a step: three steps, one of them between the two batches; all in micro-grid 01.
        await (await w.PointsAsync(w.W1, id, 1, (w.Y + 0.01, lon, t0.AddSeconds(10)), (w.Y + 0.02, lon, t0.AddSeconds(20)))).AssertOkAsync();
        var second = await (await w.PointsAsync(w.W1, id, 2, (w.Y + 0.03, lon, t0.AddSeconds(30)), (w.Y + 0.04, lon, t0.AddSeconds(40)))).AssertOkAsync();
        var patrol = second.GetProperty("patrol");
        Assert.Equal(3 * MetresPerHundredthDegree, patrol.GetProperty("distanceMetres").GetDouble(), 0);
        Assert.Equal(4, patrol.GetProperty("microGrids").GetInt32());
        Assert.Equal([$"{w.Grid}01"], patrol.GetProperty("microGridsVisited").EnumerateArray().Select(m => m.GetString()));

        var ended = await (await w.W1.PostJsonAsync($"/api/v1/patrols/{id}/end", "{}")).AssertOkAsync();
        Assert.False(ended.GetProperty("open").GetBoolean());
        Assert.True(ended.GetProperty("seconds").GetDouble() >= 40);

        // A second patrol, by another worker, crosses from 02 into 04: the grid's share over the period is 3 of 4.
        var (other, t1) = await w.StartAsync(w.W2);
        await (await w.PointsAsync(w.W2, other, 1, (w.Y + 0.04, w.X + 0.07, t1.AddSeconds(1)), (w.Y + 0.06, w.X + 0.07, t1.AddSeconds(2)))).AssertOkAsync();

        var today = PointsFixture.Today;
        var stats = (await w.GetAsync(w.Operator, $"/api/v1/territory/{w.Grid}/patrol-stats?from={today}&to={today}")).GetProperty("stats");
        Assert.Equal(2, stats.GetProperty("patrols").GetInt32());
        Assert.Equal(3, stats.GetProperty("microGridsVisited").GetInt32());
        Assert.Equal(0.75, stats.GetProperty("microGridShare").GetDouble());
        Assert.Equal((3 + 2) * MetresPerHundredthDegree, stats.GetProperty("distanceMetres").GetDouble(), 0);

        var mine = await w.GetAsync(w.W1, $"/api/v1/districts/{w.D}/workers/w-1/patrol-stats");
        Assert.Equal(1, mine.GetProperty("patrols").GetInt32());
        Assert.Equal(0.25, mine.GetProperty("grids")[0].GetProperty("microGridShare").GetDouble());
        Assert.Equal(3 * MetresPerHundredthDegree, mine.GetProperty("distanceMetres").GetDouble(), 0);
        await (await w.W1.GetAsync($"/api/v1/districts/{w.D}/workers/w-2/patrol-stats")).AssertProblemAsync(HttpStatusCode.Forbidden);

        var yesterday = DateOnly.ParseExact(today, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var before = (await w.GetAsync(w.Operator, $"/api/v1/territory/{w.Grid}/patrol-stats?from={yesterday}&to={yesterday}")).GetProperty("stats");
        Assert.Equal(0, before.GetProperty("patrols").GetInt32());
    }

    [Fact]
    public async Task A_patrol_recorded_offline_counts_on_the_day_it_was_walked()
    {
        var w = await f.NewWorldAsync();
        var t0 = DateTimeOffset.UtcNow.AddDays(-2);
        string Start(DateTimeOffset at) => FormattableString.Invariant($$"""{"gridCode":"{{w.Grid}}","startedAt":"{{at.UtcDateTime:O}}"}""");
        await (await w.W1.PostJsonAsync("/api/v1/patrols", Start(DateTimeOffset.UtcNow.AddDays(-11)))).AssertProblemAsync(HttpStatusCode.BadRequest, "startedAt");
        var id = (await (await w.W1.PostJsonAsync("/api/v1/patrols", Start(t0))).AssertOkAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        await (await w.PointsAsync(w.W1, id, 1, (w.Y + 0.01, w.X + 0.01, t0.AddMinutes(1)), (w.Y + 0.02, w.X + 0.01, t0.AddMinutes(30)))).AssertOkAsync();
        await (await w.W1.PostJsonAsync($"/api/v1/patrols/{id}/end", FormattableString.Invariant($$"""{"endedAt":"{{t0.AddMinutes(10).UtcDateTime:O}}"}"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "endedAt");
        var ended = await (await w.W1.PostJsonAsync($"/api/v1/patrols/{id}/end", FormattableString.Invariant($$"""{"endedAt":"{{t0.AddMinutes(40).UtcDateTime:O}}"}"""))).AssertOkAsync();
        Assert.Equal(2400, ended.GetProperty("seconds").GetDouble(), 0);

        var day = PointsFixture.Day(t0.UtcDateTime);
        var stats = (await w.GetAsync(w.Operator, $"/api/v1/territory/{w.Grid}/patrol-stats?from={day}&to={day}")).GetProperty("stats");
        Assert.Equal((1, 2400.0), (stats.GetProperty("patrols").GetInt32(), stats.GetProperty("seconds").GetDouble()));
    }

    [Fact]
    public async Task A_case_carries_the_reporting_workers_own_open_patrol_only()
    {
        var w = await f.NewWorldAsync();
        var (mine, _) = await w.StartAsync(w.W1);
        var (theirs, _) = await w.StartAsync(w.W2);
        string Report(string patrol) => $$"""{"category":"event.other","description":"a broken lamp","source":"gridPatrol","gridCode":"{{w.Grid}}","patrolId":"{{patrol}}"}""";

        var reported = await (await w.W1.PostJsonAsync("/api/v1/cases", Report(mine))).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal(mine, reported.GetProperty("patrolId").GetString());
        var read = await w.GetAsync(w.Operator, $"/api/v1/cases/{reported.GetProperty("id").GetString()}");
        Assert.Equal(mine, read.GetProperty("patrolId").GetString());

        await (await w.W1.PostJsonAsync("/api/v1/cases", Report(theirs))).AssertProblemAsync(HttpStatusCode.BadRequest, "patrolId");
        await (await w.Operator.PostJsonAsync("/api/v1/cases", Report(mine))).AssertProblemAsync(HttpStatusCode.BadRequest, "patrolId");
        await (await w.W1.PostJsonAsync($"/api/v1/patrols/{mine}/end", "{}")).AssertOkAsync();
        await (await w.W1.PostJsonAsync("/api/v1/cases", Report(mine))).AssertProblemAsync(HttpStatusCode.BadRequest, "patrolId");
    }

    [Fact]
    public async Task A_visit_on_a_patrol_pays_a_member_worker_once_for_a_linked_household()
    {
        var w = await f.NewWorldAsync();
        await (await w.Operator.PutJsonAsync($"/api/v1/districts/{w.D}/point-rules/visit", $$"""{"name":"visit","points":2,"trigger":"careVisit","effectiveFrom":"{{PointsFixture.Today}}"}""")).AssertOkAsync();
        var (id, _) = await w.StartAsync(w.W1);

        var visit = await (await w.W1.PostJsonAsync($"/api/v1/patrols/{id}/visits", $$"""{"householdId":"{{w.D}}-H1","note":"独居老人，身体好"}""")).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal((2, $"{w.D}-M1"), (visit.GetProperty("points").GetInt32(), visit.GetProperty("memberId").GetString()));
        var again = await (await w.W1.PostJsonAsync($"/api/v1/patrols/{id}/visits", $$"""{"householdId":"{{w.D}}-H1"}""")).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal(visit.GetProperty("id").GetString(), again.GetProperty("id").GetString());

        // A household not linked to the member is recorded on the patrol and pays nothing.
        var unlinked = await (await w.W1.PostJsonAsync($"/api/v1/patrols/{id}/visits", $$"""{"householdId":"{{w.D}}-H2"}""")).AssertOkAsync(HttpStatusCode.Created);
        Assert.Equal((0, null), (unlinked.GetProperty("points").GetInt32(), unlinked.GetProperty("careVisitId").GetString()));
        await (await w.W1.PostJsonAsync($"/api/v1/patrols/{id}/visits", $$"""{"householdId":"{{w.D}}-H9"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "householdId");

        var statement = await w.GetAsync(w.Operator, $"/api/v1/party-members/{w.D}-M1/points");
        var entry = Assert.Single(statement.GetProperty("items").EnumerateArray()).GetProperty("entry");
        Assert.Equal($"visit:{visit.GetProperty("careVisitId").GetString()}", entry.GetProperty("source").GetString());
        Assert.Equal(2, statement.GetProperty("balance").GetInt64());

        var patrol = await w.GetAsync(w.W1, $"/api/v1/patrols/{id}");
        Assert.Equal(2, patrol.GetProperty("visits").GetArrayLength());
    }

    [Fact]
    public async Task A_patrol_is_its_workers_and_its_districts()
    {
        var w = await f.NewWorldAsync();
        var other = await f.NewWorldAsync();
        var (id, t0) = await w.StartAsync(w.W1);

        await (await w.W2.PostJsonAsync($"/api/v1/patrols/{id}/points", PatrolWorld.Batch(1, [(w.Y + 0.01, w.X + 0.01, t0.AddSeconds(1))]))).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await w.W2.PostJsonAsync($"/api/v1/patrols/{id}/end", "{}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await w.W2.GetAsync($"/api/v1/patrols/{id}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await w.W2.GetAsync($"/api/v1/patrols/{id}/track")).AssertProblemAsync(HttpStatusCode.Forbidden);

        // Another district's grid and patrol do not exist for this district's worker.
        await (await w.W1.PostJsonAsync("/api/v1/patrols", $$"""{"gridCode":"{{other.Grid}}"}""")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await w.W1.GetAsync($"/api/v1/patrols/{id.Replace(w.D, other.D, StringComparison.Ordinal)}")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await w.W1.GetAsync($"/api/v1/territory/{other.Grid}/patrol-stats")).AssertProblemAsync(HttpStatusCode.NotFound);

        // A key without a staff id walks no patrol.
        await (await w.Operator.PostJsonAsync("/api/v1/patrols", $$"""{"gridCode":"{{w.Grid}}"}""")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
