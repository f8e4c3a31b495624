using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Territory;

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
