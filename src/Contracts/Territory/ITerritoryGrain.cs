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

    /// <summary>Deletes the node: refused (409) while it has children, open cases or households.</summary>
    [Alias("delete")]
    Task DeleteAsync(long? expectedVersion);

    /// <summary>Removes a deleted child from this node's child list.</summary>
    [Alias("unlink-child")]
    Task UnlinkChildAsync(string childCode);

    /// <summary>The node's boundaries with their validity periods, and its retirement; null when there is no node.</summary>
    [ReadOnly, Alias("history")]
    Task<TerritoryHistory?> GetHistoryAsync();

    /// <summary>
    /// Marks the node retired with its successor (for <see cref="IRetirementGrain"/>): locate stops answering it at
    /// once. Repeating it with the same successor changes nothing; another successor is refused.
    /// </summary>
    [Alias("mark-retired")]
    Task<TerritorySnapshot> MarkRetiredAsync(string? successor);
}
