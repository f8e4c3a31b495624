using GridGov.Contracts.Decisions;
using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Grains.Decisions;

/// <summary>
/// Gathers a page of a village's decisions: the ids from the village (bounded), then each decision of the page at
/// once. A stateless worker, so the gathering runs beside the caller and no grain waits on another that may be waiting
/// on it (a decision that lists itself on the board calls the village).
/// </summary>
[StatelessWorker]
internal sealed class DecisionBoardGrain : Grain, IDecisionBoardGrain
{
    /// <summary>The largest page: each item is a grain call.</summary>
    public const int MaxPage = 50;

    async Task<BoardPage?> IDecisionBoardGrain.BoardAsync(string village, int cursor, int limit)
    {
        var villageGrain = GrainFactory.GetGrain<IVillageGrain>(village);
        if (await villageGrain.GetAsync() is not { } v || await villageGrain.ListAsync(cursor, Math.Clamp(limit, 1, MaxPage), true) is not { } page)
        {
            return null;
        }

        var decisions = await Task.WhenAll(page.Ids.Select(id => GrainFactory.GetGrain<IDecisionGrain>(id).GetPublicAsync()));
        return new BoardPage(village, v.Name, decisions.OfType<PublicDecision>().ToArray(), page.Next);
    }

    async Task<DecisionPage?> IDecisionBoardGrain.ListAsync(string village, int cursor, int limit)
    {
        // The staff's list, minutes and objectors included: only for a caller, whose signature and scope the village's
        // grain (a tenant grain) then checks; this grain is not a tenant grain, so the cluster's filter would not.
        if (CallerContext.Current() is null)
        {
            throw new UnauthorizedCallException($"The decisions of village {village} are listed for a caller only.");
        }

        if (await GrainFactory.GetGrain<IVillageGrain>(village).ListAsync(cursor, Math.Clamp(limit, 1, MaxPage), false) is not { } page)
        {
            return null;
        }

        var decisions = await Task.WhenAll(page.Ids.Select(id => GrainFactory.GetGrain<IDecisionGrain>(id).GetAsync()));
        return new DecisionPage(decisions.OfType<DecisionSnapshot>().ToArray(), page.Next);
    }
}
