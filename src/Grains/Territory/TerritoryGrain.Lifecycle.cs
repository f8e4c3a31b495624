using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Territory;

/// <summary>The end of a node's life: deletion of an empty node, retirement, and the boundaries it had.</summary>
internal sealed partial class TerritoryGrain
{
    async Task ITerritoryGrain.DeleteAsync(long? expectedVersion)
    {
        if (!S.Exists)
        {
            throw DomainException.NotFound($"Territory {Code} does not exist.");
        }

        if (expectedVersion is { } expected && expected != S.Version)
        {
            throw DomainException.Stale(expected, S.Version);
        }

        if (S.RetiredAt is not null)
        {
            throw DomainException.Conflict($"Territory {Code} is retired; a retired node is kept as the record of where its cases and households went.", "code");
        }

        if (S.Children.Count > 0)
        {
            throw DomainException.Conflict($"Territory {Code} has {S.Children.Count} child node(s); delete or retire them first.", "code");
        }

        if (S.PartyGridId is not null)
        {
            throw DomainException.Conflict($"Grid {Code} belongs to Party-building grid {S.PartyGridId}; take it out of that grid first.", "code");
        }

        var open = (await GrainFactory.GetGrain<IGridCasesGrain>(Code).GetAsync()).Open.Count;
        if (open > 0)
        {
            throw DomainException.Conflict($"Territory {Code} has {open} open case(s); retire it with a successor to move them.", "code");
        }

        if ((await people.ListHouseholdsAsync(Code, null, null, 1, CancellationToken.None)).Count > 0)
        {
            throw DomainException.Conflict($"Territory {Code} has households; retire it with a successor to move them.", "code");
        }

        // The version goes on counting, so the index (which takes only newer versions) also takes a node created
        // again under the same code.
        S.Exists = false;
        S.Version++;
        await state.WriteStateAsync();
        await SyncRemovalAsync();
    }

    async Task ITerritoryGrain.UnlinkChildAsync(string childCode)
    {
        if (S.Children.Remove(childCode))
        {
            await state.WriteStateAsync();
        }
    }

    Task<TerritoryHistory?> ITerritoryGrain.GetHistoryAsync()
    {
        if (!S.Exists)
        {
            return Task.FromResult<TerritoryHistory?>(null);
        }

        var boundaries = S.EarlierBoundaries.ToList();
        if (S.Boundary is not null)
        {
            boundaries.Add(new BoundaryPeriod(S.Boundary, S.BoundarySince, S.RetiredAt));
        }

        return Task.FromResult<TerritoryHistory?>(new TerritoryHistory(Code, boundaries, S.RetiredAt, S.Successor));
    }

    async Task<TerritorySnapshot> ITerritoryGrain.MarkRetiredAsync(string? successor)
    {
        if (!S.Exists)
        {
            throw DomainException.NotFound($"Territory {Code} does not exist.");
        }

        if (S.RetiredAt is not null)
        {
            return S.Successor == successor
                ? Snapshot()
                : throw DomainException.Conflict($"Territory {Code} is already retired with successor {S.Successor ?? "none"}.", "successor");
        }

        S.RetiredAt = time.GetUtcNow();
        S.Successor = successor;
        S.Version++;
        await state.WriteStateAsync();

        // The index is told before this answers: every silo's copy drops the boundary before any case is moved.
        await SyncNeighboursAsync();
        return Snapshot();
    }

    /// <summary>Takes a deleted node out of the index (no boundary: locate cannot answer it) and its parent's child list.</summary>
    private async Task SyncRemovalAsync()
    {
        var tasks = new List<Task>(2)
        {
            GrainFactory.GetGrain<ITerritoryIndexGrain>(DistrictCode.Of(Code)).UpsertAsync(new TerritoryIndexEntry(Code, S.Name, null, S.Version)),
        };
        if (TerritoryCode.ParentOf(Code) is { } parentCode)
        {
            tasks.Add(GrainFactory.GetGrain<ITerritoryGrain>(parentCode).UnlinkChildAsync(Code));
        }

        await Task.WhenAll(tasks);
    }
}
