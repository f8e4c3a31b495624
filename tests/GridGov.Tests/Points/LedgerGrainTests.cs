using GridGov.Contracts.Points;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Points;

/// <summary>The ledger on a two-silo cluster: grants of one source sent at once from many callers pay once.</summary>
[Collection(GridClusterCollection.Name)]
public sealed class LedgerGrainTests(GridClusterFixture cluster)
{
    [Fact]
    public async Task Concurrent_grants_of_the_same_source_pay_once_and_the_balance_is_the_recount()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        var day = DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8));
        await cluster.Grains.GetGrain<IPointRulesGrain>(d).PutAsync(
            "clean-up", new PointRuleDraft("清洁家园", 2, PointTrigger.Volunteering, 5, PointPeriod.Year, PointAudience.PartyMembersAndResidents, day.AddDays(-1)), "test");

        // A resident's ledger (the rule applies to residents), so no member need exist.
        var ledger = cluster.Grains.GetGrain<IPointsLedgerGrain>($"{d}-R1");
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            ledger.GrantAsync(new PointGrant("clean-up", PointTrigger.Manual, $"manual:day-{i % 4}", day, "test", null, null))));

        // Four sources: 2 + 2 + 1 (the cap of 5 leaves 1), then capped; every other grant is a duplicate.
        Assert.Equal(3, results.Count(r => r.Outcome == GrantOutcome.Granted));
        Assert.Equal(5, (await ledger.StatementAsync(null, 100)).Lines.Sum(l => l.Entry.Points));
        var recount = await ledger.RecountAsync();
        Assert.Equal((5L, 5L, 3), (recount.Kept, recount.Recounted, recount.Entries));
        Assert.All(results.Where(r => r.Outcome == GrantOutcome.Duplicate), r => Assert.NotNull(r.Entry));
    }
}
