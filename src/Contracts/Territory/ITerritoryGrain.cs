using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Territory;

/// <summary>A node of a district's territory tree, keyed by its territory code.</summary>
[Alias("gridgov.territory")]
public interface ITerritoryGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates or updates the node. <paramref name="expectedVersion"/> is the caller's If-Match, if any;
    /// <paramref name="createOnly"/> refuses an existing node (If-None-Match: *).</summary>
    [Alias("upsert")]
    Task<TerritoryUpsertResult> UpsertAsync(TerritoryUpsert update, long? expectedVersion, bool createOnly);

    [ReadOnly, Alias("get")]
    Task<TerritorySnapshot?> GetAsync();

    [ReadOnly, Alias("children")]
    Task<IReadOnlyList<TerritoryChild>?> GetChildrenAsync();

    /// <summary>Records or refreshes a child's summary; refused when this node does not exist.</summary>
    [Alias("link-child")]
    Task LinkChildAsync(TerritoryChild child);

    /// <summary>Makes this comprehensive grid part of a Party-building grid; refused when another one holds it.</summary>
    [Alias("claim-party-grid")]
    Task ClaimPartyGridAsync(string partyGridId);

    /// <summary>Releases this grid from a Party-building grid, if that grid holds it.</summary>
    [Alias("release-party-grid")]
    Task ReleasePartyGridAsync(string partyGridId);
}
