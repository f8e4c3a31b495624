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

/// <summary>
/// The spatial index of one district's nodes (keyed by district code): answers which grid holds a point.
/// Rows live in a GridGov table, so activation is one query and updates are one row each.
/// </summary>
[Alias("gridgov.territory-index")]
public interface ITerritoryIndexGrain : IGrainWithStringKey, ITenantGrain
{
    [Alias("upsert")]
    Task UpsertAsync(TerritoryIndexEntry entry);

    /// <summary>Answered from the grain itself; the API's locates are answered by each silo's copy instead.</summary>
    [ReadOnly, Alias("locate")]
    Task<LocateResult> LocateAsync(double lat, double lon);

    /// <summary>Renews <paramref name="watcher"/>'s watch; answers the index's digest, so the copy can tell whether it missed a change.</summary>
    [Alias("watch")]
    Task<long> WatchAsync(ITerritoryIndexWatcher watcher);

    /// <summary>Every entry and the digest, and <paramref name="watcher"/> is told of every change from now on.</summary>
    [Alias("copy")]
    Task<TerritoryIndexCopy> CopyAsync(ITerritoryIndexWatcher watcher);
}

/// <summary>A silo's copy of districts' indexes: the index grain hands it every change before answering the change.</summary>
[Alias("gridgov.territory-index-watcher")]
public interface ITerritoryIndexWatcher : IGrainObserver
{
    [Alias("upserted")]
    Task UpsertedAsync(string district, TerritoryIndexEntry entry);
}

/// <summary>A whole district index: its entries and their digest.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.territory-index-copy")]
public sealed record TerritoryIndexCopy(
    [property: Id(0)] IReadOnlyList<TerritoryIndexEntry> Entries,
    [property: Id(1)] long Digest);

/// <summary>
/// Finds the district(s) whose boundary covers a point, then asks their index grains. A stateless worker: one per
/// silo, so no single activation sits on the path of every locate.
/// </summary>
[Alias("gridgov.locator")]
public interface ILocatorGrain : IGrainWithIntegerKey
{
    [Alias("locate")]
    Task<LocateResult> LocateAsync(double lat, double lon, string? district);
}
