using System.Net;
using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using static GridGov.Tests.Cases.CaseLoopLand;

namespace GridGov.Tests.Cases;

/// <summary>Merging a duplicate through the API: the duplicate redirects, the original gains a follower and a history event.</summary>
[Collection(ApiCollection.Name)]
public sealed class MergeTests(ApiFactory api)
{
    [Fact]
    public async Task A_merged_duplicate_refuses_every_action_with_409_naming_the_original_and_still_reads()
    {
        var land = await OfAsync(api);
        var original = Id(await ReportAsync(land.CommandCentre, land.Report(0.03, 0.01)));
        var duplicate = Id(await ReportAsync(land.App, land.Report(0.03, 0.0101, phone: "13800001111", source: "residentApp")));

        var merged = await ActAsync(land.CommandCentre, duplicate, "merge", $$"""{"into":"{{original}}","note":"same heap"}""");
        Assert.Equal(("merged", original), (merged.GetProperty("state").GetString(), merged.GetProperty("mergedInto").GetString()));

        // Every action, by a caller its policy lets through: the merge answers first, naming the original.
        foreach (var kind in Enum.GetValues<CaseActionKind>())
        {
            var client = kind == CaseActionKind.Evaluate ? land.App : land.Operator;
            var problem = await ActAsync(client, duplicate, CaseActions.Name(kind), $$"""{"into":"{{original}}","reason":"r","satisfaction":5,"resolved":true}""", HttpStatusCode.Conflict);
            Assert.Equal(original, problem.GetProperty("mergedInto").GetString());
            Assert.Contains(original, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var read = await (await land.App.GetAsync($"/api/v1/cases/{duplicate}")).AssertOkAsync();
        Assert.Equal(("merged", original), (read.GetProperty("state").GetString(), read.GetProperty("mergedInto").GetString()));

        var target = await (await land.CommandCentre.GetAsync($"/api/v1/cases/{original}")).AssertOkAsync();
        var follower = Assert.Single(target.GetProperty("followers").EnumerateArray());
        Assert.Equal(duplicate, follower.GetProperty("caseId").GetString());
        Assert.Equal(("李四", "138****1111"), (follower.GetProperty("reporter").GetProperty("name").GetString(), follower.GetProperty("reporter").GetProperty("phoneMasked").GetString()));
        Assert.DoesNotContain("13800001111", target.GetRawText(), StringComparison.Ordinal);

        var history = await (await land.CommandCentre.GetAsync($"/api/v1/cases/{original}/history")).AssertOkAsync();
        var received = Assert.Single(history.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "merge-received");
        Assert.Contains(duplicate, received.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_merge_into_a_case_that_is_not_open_is_refused_and_leaves_the_duplicate_as_it_was()
    {
        var land = await OfAsync(api);
        var rejected = Id(await ReportAsync(land.CommandCentre, land.Report(0.03, 0.02)));
        await ActAsync(land.CommandCentre, rejected, "reject", """{"note":"not ours"}""");
        var duplicate = Id(await ReportAsync(land.CommandCentre, land.Report(0.03, 0.0201)));

        await ActAsync(land.CommandCentre, duplicate, "merge", $$"""{"into":"{{rejected}}"}""", HttpStatusCode.Conflict, "into");

        var read = await (await land.CommandCentre.GetAsync($"/api/v1/cases/{duplicate}")).AssertOkAsync();
        Assert.Equal(("reported", 1L), (read.GetProperty("state").GetString(), read.GetProperty("version").GetInt64()));
        Assert.Equal(JsonValueKind.Null, read.GetProperty("mergedInto").ValueKind);
    }

    [Fact]
    public async Task A_report_30_m_from_a_grid_border_finds_the_open_case_on_the_other_side()
    {
        var land = await OfAsync(api);
        // The border between grid 1 and grid 2 runs north–south at 0.1° east of the corner.
        var metre = 1 / (111_195.0 * Math.Cos((land.Origin.Lat + 0.03) * Math.PI / 180));
        var across = Id(await ReportAsync(land.CommandCentre, land.Report(0.1 - (10 * metre), 0.03, "event.street-order")));
        await Eventually.TrueAsync(
            async () => (await (await land.CommandCentre.GetAsync($"/api/v1/territory/{land.Grid1}/open-cases")).AssertOkAsync())
                .GetProperty("items").EnumerateArray().Any(c => Id(c) == across),
            $"case {across} in grid {land.Grid1}'s open cases");

        // 55 m away: beyond the 50 m, though its grid borders the case's.
        var far = await ReportAsync(land.CommandCentre, land.Report(0.1 + (45 * metre), 0.03, "event.street-order"));
        Assert.Equal(JsonValueKind.Null, far.GetProperty("probableDuplicateOf").ValueKind);

        // 40 m away across the border (and 15 m from the later case in its own grid): the earliest, across, is named.
        var near = await ReportAsync(land.CommandCentre, land.Report(0.1 + (30 * metre), 0.03, "event.street-order"));
        Assert.Equal(land.Grid2, near.GetProperty("gridCode").GetString());
        Assert.Equal(across, near.GetProperty("probableDuplicateOf").GetString());
    }
}
