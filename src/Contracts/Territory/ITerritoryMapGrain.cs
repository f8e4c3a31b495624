using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Territory;

/// <summary>
/// The grids and micro-grids under a node, with their boundaries, for the map (keyed by the node's code). The node is
/// checked in its grain and the grids read from the spatial index's table, so a stateless worker does both and the
/// API makes one call.
/// </summary>
[Alias("gridgov.territory-map")]
public interface ITerritoryMapGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// At most <paramref name="limit"/> grids and micro-grids at or under the node, ordered by code, after the code
    /// <paramref name="after"/>; null when the node does not exist.
    /// </summary>
    [ReadOnly, Alias("grids")]
    Task<IReadOnlyList<TerritoryIndexEntry>?> GetGridsAsync(string? after, int limit);
}
