using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Cases;

/// <summary>The merge workflow between two case grains: the original takes a duplicate once, whatever is retried.</summary>
[Collection(GridClusterCollection.Name)]
public sealed class MergeGrainTests(GridClusterFixture fixture)
{
    private static NewCase Report(string grid, string reporter) =>
        new("event.other", "Broken bench", CaseSource.ResidentApp, grid, null, null, "Block 3", "王五", "137****0000", [], CasePriority.Normal, null, reporter);

    [Fact]
    public async Task A_retried_merge_adds_the_follower_once_and_the_duplicate_then_redirects()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        var grid = $"{d}001001001";
        var original = fixture.Grains.GetGrain<ICaseGrain>(CaseIds.New(d, DateTimeOffset.UtcNow));
        var duplicate = fixture.Grains.GetGrain<ICaseGrain>(CaseIds.New(d, DateTimeOffset.UtcNow));
        await original.ReportAsync(Report(grid, "app-1"));
        var reported = await duplicate.ReportAsync(Report(grid, "app-2"));
        var follower = new CaseFollower(reported.Id, "王五", "137****0000", "app-2", DateTimeOffset.UtcNow);

        // The original took the duplicate, but the duplicate's commit was lost: the merge is retried, twice.
        await original.AcceptMergeAsync(reported.Id, [follower], "cc");
        await original.AcceptMergeAsync(reported.Id, [follower], "cc");
        var merged = await duplicate.ActAsync(new CaseAction(CaseActionKind.Merge, "cc", null, Into: original.GetPrimaryKeyString()), null);

        Assert.Equal(CaseState.Merged, merged.State);
        var history = (await original.GetHistoryAsync())!;
        Assert.Equal(reported.Id, Assert.Single(history.Case.Followers!).CaseId);
        Assert.Single(history.Events, e => e.Type == "merge-received");
        var refused = await Assert.ThrowsAsync<DomainException>(() => duplicate.ActAsync(new CaseAction(CaseActionKind.File, "cc", null), null));
        Assert.Equal((DomainErrorKind.Conflict, original.GetPrimaryKeyString()), (refused.Kind, refused.Extensions!["mergedInto"]));
    }
}
