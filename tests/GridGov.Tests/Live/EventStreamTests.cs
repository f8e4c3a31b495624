using System.Net;
using GridGov.Contracts.Security;
using GridGov.Hosting.Live;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Live;

/// <summary>GET /api/v1/territory/{code}/events against the API in Embedded mode, read as fetch() reads it.</summary>
public sealed class EventStreamTests(LiveFixture f) : IClassFixture<LiveFixture>
{
    private static string Events(string code) => $"/api/v1/territory/{code}/events";

    [Fact]
    public async Task Events_of_the_subtree_arrive_and_a_sibling_subtrees_do_not()
    {
        await using var district = await SseClient.OpenAsync(f.Operator, Events(f.Land.District));
        await using var streetA = await SseClient.OpenAsync(f.Operator, Events(f.Land.StreetA));

        // The sibling's case first: once the district stream has it, the street stream has had its chance to get it.
        var inB = await f.Land.ReportAsync(f.Operator, inB: true);
        await district.UntilAsync(m => m.Event == "case" && m.CaseId == inB, $"case {inB} on the district's stream");
        var inA = await f.Land.ReportAsync(f.Operator);
        await Territory.ActAsync(f.Operator, inA, "file");

        var seen = await streetA.UntilAsync(m => m.Event == "case" && m.CaseId == inA && m.Type == "filed", $"case {inA} filed on street A's stream");
        var cases = seen.Where(m => m.Event == "case").ToList();
        Assert.DoesNotContain(cases, m => m.CaseId == inB);
        Assert.All(cases, m => Assert.StartsWith(f.Land.StreetA, m.Json.GetProperty("territory").GetString(), StringComparison.Ordinal));
        Assert.Equal(["reported", "filed"], cases.Where(m => m.CaseId == inA).Select(m => m.Type).ToArray());

        var reported = cases.First(m => m.CaseId == inA).Json;
        Assert.Equal(f.Land.GridA, reported.GetProperty("territory").GetString());
        Assert.Equal(1, reported.GetProperty("version").GetInt64());
        Assert.Equal(cases.First(m => m.CaseId == inA).Position, reported.GetProperty("position").GetInt64());
        var c = reported.GetProperty("case");
        Assert.Equal(("reported", "event.environment", "gridPatrol", "normal", "grid"), (
            c.GetProperty("state").GetString(), c.GetProperty("category").GetString(), c.GetProperty("source").GetString(),
            c.GetProperty("priority").GetString(), c.GetProperty("handledAt").GetString()));
        Assert.Equal("Gate 3", c.GetProperty("address").GetString());

        // Never the reporter's name or phone, nor the description.
        var raw = string.Join("\n", cases.Select(m => m.Data));
        Assert.DoesNotContain("张三", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("5678", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("reporter", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Rubbish", raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resuming_with_Last_Event_ID_yields_exactly_the_missed_events_then_continues_live()
    {
        await using var witness = await SseClient.OpenAsync(f.Operator, Events(f.Land.District));
        string resumeFrom;
        var first = await f.Land.ReportAsync(f.Operator);
        await using (var grid = await SseClient.OpenAsync(f.Operator, Events(f.Land.GridA)))
        {
            var seen = await grid.UntilAsync(m => m.Event == "case" && m.CaseId == first, $"case {first} on grid A's stream");
            resumeFrom = seen[^1].Id!;
        }

        // While the client is away: events in grid A and in the sibling grid B.
        var second = await f.Land.ReportAsync(f.Operator);
        await Territory.ActAsync(f.Operator, first, "file");
        var elsewhere = await f.Land.ReportAsync(f.Operator, inB: true);
        await Territory.ActAsync(f.Operator, second, "file");
        var happened = await witness.UntilAsync(m => m.Event == "case" && m.CaseId == second && m.Type == "filed", $"case {second} filed on the district's stream");
        var missed = happened
            .Where(m => m.Event == "case" && m.Position > long.Parse(resumeFrom, System.Globalization.CultureInfo.InvariantCulture))
            .Where(m => m.Json.GetProperty("territory").GetString()!.StartsWith(f.Land.GridA, StringComparison.Ordinal))
            .Select(m => m.Id)
            .ToList();
        Assert.Equal(3, missed.Count);

        await using var resumed = await SseClient.OpenAsync(f.Operator, Events(f.Land.GridA), lastEventId: resumeFrom);
        var replayed = (await resumed.UntilAsync(m => m.Id == missed[^1], "the last missed event")).Where(m => m.Event == "case").ToList();
        Assert.Equal(missed, replayed.Select(m => m.Id).ToList());
        Assert.DoesNotContain(replayed, m => m.CaseId == elsewhere);

        // Then live, without a gap or a repeat.
        var third = await f.Land.ReportAsync(f.Operator);
        var live = (await resumed.UntilAsync(m => m.Event == "case" && m.CaseId == third, $"case {third} live after the replay")).Where(m => m.Event == "case").ToList();
        Assert.Single(live);
        var all = replayed.Concat(live).Select(m => m.Position).ToList();
        Assert.Equal(all.Order().Distinct(), all);
    }

    [Fact]
    public async Task The_lastEventId_query_parameter_resumes_like_the_header()
    {
        var id = await f.Land.ReportAsync(f.Operator);
        await using var witness = await SseClient.OpenAsync(f.Operator, Events(f.Land.GridA), lastEventId: "0");
        var position = (await witness.UntilAsync(m => m.Event == "case" && m.CaseId == id, $"case {id}"))[^1].Position;

        await Territory.ActAsync(f.Operator, id, "file");
        await witness.UntilAsync(m => m.Event == "case" && m.CaseId == id && m.Type == "filed", $"case {id} filed");
        await using var resumed = await SseClient.OpenAsync(f.Operator, Events(f.Land.GridA) + $"?lastEventId={position}");
        var first = await resumed.NextAsync("the filed event of " + id);
        Assert.Equal((id, "filed"), (first.CaseId, first.Type));
    }

    [Fact]
    public async Task Without_Last_Event_ID_the_stream_starts_now_and_tells_its_position()
    {
        var before = await f.Land.ReportAsync(f.Operator);
        await using (var witness = await SseClient.OpenAsync(f.Operator, Events(f.Land.GridA), lastEventId: "0"))
        {
            await witness.UntilAsync(m => m.Event == "case" && m.CaseId == before, $"case {before} in the log");
        }

        await using var stream = await SseClient.OpenAsync(f.Operator, Events(f.Land.GridA));
        var after = await f.Land.ReportAsync(f.Operator);
        var seen = await stream.UntilAsync(m => m.Event == "case" && m.CaseId == after, $"case {after}");
        Assert.DoesNotContain(seen, m => m.CaseId == before);
        Assert.NotNull(stream.LastEventId);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    public async Task A_Last_Event_ID_that_is_not_a_position_is_a_400(string value)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Events(f.Land.GridA));
        request.Headers.TryAddWithoutValidation("Last-Event-ID", value);
        using var response = await f.Operator.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "Last-Event-ID");

        using var query = await f.Operator.GetAsync(Events(f.Land.GridA) + $"?lastEventId={Uri.EscapeDataString(value)}", HttpCompletionOption.ResponseHeadersRead);
        await query.AssertProblemAsync(HttpStatusCode.BadRequest, "lastEventId");
    }

    [Fact]
    public async Task Unknown_and_malformed_territories_are_404_and_400()
    {
        using var unknown = await f.Operator.GetAsync(Events($"{f.Land.District}009"), HttpCompletionOption.ResponseHeadersRead);
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound);
        using var malformed = await f.Operator.GetAsync(Events("12"), HttpCompletionOption.ResponseHeadersRead);
        await malformed.AssertProblemAsync(HttpStatusCode.BadRequest, "code");
    }

    [Fact]
    public async Task An_app_receives_only_the_events_of_the_cases_it_reported()
    {
        using var app = f.Api.CreateClient(await f.Api.CreateKeyAsync(Roles.App, f.Land.District));
        await using var stream = await SseClient.OpenAsync(app, Events(f.Land.District));
        var others = await f.Land.ReportAsync(f.Operator);
        var own = await f.Land.ReportAsync(app, source: "residentApp");
        var seen = await stream.UntilAsync(m => m.Event == "case" && m.CaseId == own, $"the app's case {own}");
        Assert.DoesNotContain(seen, m => m.Event == "case" && m.CaseId == others);
    }

    [Fact]
    public async Task Idle_streams_get_keep_alive_comments_and_end_when_their_key_is_revoked()
    {
        var key = await f.Api.CreateKeyAsync(Roles.CommandCentre, f.Land.District);
        using var client = f.Api.CreateClient(key);
        await using var stream = await SseClient.OpenAsync(client, Events(f.Land.StreetB));
        await Eventually.TrueAsync(() => Task.FromResult(stream.Comments.Contains("keep-alive")), "a keep-alive comment");

        Assert.Equal(HttpStatusCode.NoContent, (await f.Operator.DeleteAsync($"/api/v1/api-keys/{key.Split('_')[1]}")).StatusCode);
        var ended = await Task.WhenAny(stream.Ended, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(ended == stream.Ended, "The stream of a revoked key did not end.");
    }

    [Fact]
    public async Task A_resume_point_that_retention_has_deleted_gets_a_reset_first()
    {
        await using var api = new ApiFactory(Fresh.TempFolder(), LiveFixture.QuickSettings());
        using var op = api.CreateOperatorClient();
        var land = new Territory(Fresh.District());
        await land.ImportAsync(op);
        var id = await land.ReportAsync(op);
        await using (var witness = await SseClient.OpenAsync(op, Events(land.GridA), lastEventId: "0"))
        {
            await witness.UntilAsync(m => m.Event == "case" && m.CaseId == id, $"case {id} in the log");
        }

        var log = api.Services.GetRequiredService<CaseEventLog>();
        Assert.True(await log.PruneAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None) > 0);

        await using var resumed = await SseClient.OpenAsync(op, Events(land.GridA), lastEventId: "0");
        var reset = await resumed.NextAsync("the reset message");
        Assert.Equal("reset", reset.Event);
        Assert.True(reset.Json.GetProperty("prunedThrough").GetInt64() > 0);

        // Then it goes on live from the position the reset names.
        await Territory.ActAsync(op, id, "file");
        var filed = await resumed.NextAsync($"case {id} filed");
        Assert.Equal(("case", "filed"), (filed.Event, filed.Type));
        Assert.True(filed.Position > reset.Position);
    }
}

/// <summary>A client that falls too far behind is cut off without holding anyone up, and resumes without a gap.</summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task A_client_that_falls_too_far_behind_is_disconnected_and_resumes_without_a_gap()
    {
        var settings = LiveFixture.QuickSettings();
        settings["GridGov:Live:ClientBuffer"] = "5";
        await using var api = new ApiFactory(Fresh.TempFolder(), settings);
        using var op = api.CreateOperatorClient();
        var land = new Territory(Fresh.District());
        await land.ImportAsync(op);

        await using var stream = await SseClient.OpenAsync(op, $"/api/v1/territory/{land.GridA}/events");
        var start = stream.LastEventId ?? (await Eventually.MatchesAsync(() => Task.FromResult(stream.LastEventId), id => id is not null, "the stream's starting id"))!;

        // A burst of 50 events in one commit: more than the client's buffer holds between two reads of the log.
        var log = api.Services.GetRequiredService<CaseEventLog>();
        var positions = await LogRows.AppendAsync(log, land.GridA, 50);

        var received = new List<SseMessage>();
        await stream.Ended.WaitAsync(TimeSpan.FromSeconds(15));
        received.AddRange(await stream.DrainAsync(TimeSpan.FromMilliseconds(100)));
        Assert.Contains(stream.Comments, c => c.Contains("reconnect", StringComparison.Ordinal));
        Assert.True(received.Count < 50, $"the slow client got all {received.Count} events instead of being cut off");

        await using var resumed = await SseClient.OpenAsync(op, $"/api/v1/territory/{land.GridA}/events", lastEventId: stream.LastEventId ?? start);
        received.AddRange(await resumed.UntilAsync(m => m.Position == positions[^1], "the last event of the burst"));
        Assert.Equal(positions, received.Select(m => m.Position).ToList());
    }
}

/// <summary>Rows written straight into the case-event log, as the grids write them.</summary>
internal static class LogRows
{
    public static async Task<List<long>> AppendAsync(CaseEventLog log, string grid, int count)
    {
        await using var connection = await log.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var positions = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var snapshot = new Contracts.Cases.CaseSnapshot
            {
                Id = $"{grid[..6]}-20250101-{Guid.NewGuid():N}"[..25],
                State = Contracts.Cases.CaseState.Reported,
                Category = "event.other",
                Source = Contracts.Cases.CaseSource.Hotline12345,
                Description = "d",
                GridCode = grid,
                MediaUrls = [],
                ReportedBy = "hotline",
                ReportedAt = DateTimeOffset.UtcNow,
                HandledAt = Contracts.Territory.TerritoryLevel.Grid,
                Version = 1,
            };
            var e = new Contracts.Cases.CaseEvent(Guid.NewGuid(), snapshot.Id, 1, "reported", grid, DateTimeOffset.UtcNow, "hotline", $"burst {i}", snapshot);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO gridgov_case_events (district, grid_code, case_id, version, type, at, payload)
                VALUES (@district, @grid, @case, 1, 'reported', @at, @payload) RETURNING position
                """;
            global::GridGov.Hosting.Storage.Database.AddParameter(command, "district", grid[..6]);
            global::GridGov.Hosting.Storage.Database.AddParameter(command, "grid", grid);
            global::GridGov.Hosting.Storage.Database.AddParameter(command, "case", snapshot.Id);
            global::GridGov.Hosting.Storage.Database.AddTimestamp(command, log.Database, "at", DateTimeOffset.UtcNow);
            global::GridGov.Hosting.Storage.Database.AddParameter(command, "payload", System.Text.Json.JsonSerializer.Serialize(e));
            positions.Add(Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }

        await transaction.CommitAsync();
        return positions;
    }
}
