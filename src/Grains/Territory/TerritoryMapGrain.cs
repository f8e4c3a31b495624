using GridGov.Contracts.Territory;
using Orleans.Concurrency;

namespace GridGov.Grains.Territory;

/// <summary>Checks the node, then pages through the grids under it in the spatial index's table. Keeps no state.</summary>
[StatelessWorker]
internal sealed class TerritoryMapGrain(ITerritoryIndexStore store) : Grain, ITerritoryMapGrain
{
    async Task<IReadOnlyList<TerritoryIndexEntry>?> ITerritoryMapGrain.GetGridsAsync(string? after, int limit)
    {
        var code = this.GetPrimaryKeyString();
        return await GrainFactory.GetGrain<ITerritoryGrain>(code).GetAsync() is null
            ? null
            : await store.ListGridsUnderAsync(code, after, limit, CancellationToken.None);
    }
}
