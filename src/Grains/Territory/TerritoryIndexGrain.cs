using GridGov.Contracts.Territory;
using GridGov.Grains.Common;

namespace GridGov.Grains.Territory;

/// <summary>
/// The spatial index of one district, loaded from its table on activation and kept current by the nodes themselves.
/// It takes the writes; locates are answered by every silo's copy (<see cref="DistrictIndexes"/>), which this grain
/// keeps current: a node's change reaches every watching copy before the change is answered.
/// </summary>
internal sealed class TerritoryIndexGrain(ITerritoryIndexStore store, TimeProvider time) : Grain, ITerritoryIndexGrain
{
    private readonly DistrictIndex _index = new();
    /// <summary>
    /// The silos' copies, each told of changes for 2 minutes after it last renewed its watch (longer than it waits
    /// between renewals), waited for 5 s at most.
    /// </summary>
    private readonly Watchers<ITerritoryIndexWatcher> _watchers = new(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5));
    private DistrictExtent? _extent;

    private string District => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var entry in await store.LoadDistrictAsync(District, cancellationToken))
        {
            _index.Upsert(entry);
        }

        // Written again on activation, so an extent whose write was cut off by a crash is repaired.
        _extent = _index.Extent(District);
        if (_extent is not null)
        {
            await store.SetDistrictExtentAsync(_extent, cancellationToken);
        }
    }

    async Task ITerritoryIndexGrain.UpsertAsync(TerritoryIndexEntry entry)
    {
        if (!_index.IsNewer(entry))
        {
            return;
        }

        var node = DistrictIndex.Prepare(entry);
        var envelope = node.Envelope;
        await store.UpsertAsync(
            entry,
            envelope is null ? null : [envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY],
            CancellationToken.None);
        _index.Upsert(node);

        var extent = _index.Extent(District);
        if (extent != _extent)
        {
            if (extent is not null)
            {
                await store.SetDistrictExtentAsync(extent, CancellationToken.None);
            }

            _extent = extent;
        }

        // A copy that does not answer in time finds the change by the digest when it renews its watch.
        await _watchers.TellAsync(watcher => watcher.UpsertedAsync(District, entry));
    }

    Task<LocateResult> ITerritoryIndexGrain.LocateAsync(double lat, double lon) => Task.FromResult(_index.Locate(lat, lon));

    Task<long> ITerritoryIndexGrain.WatchAsync(ITerritoryIndexWatcher watcher)
    {
        _watchers.Watch(watcher, time.GetUtcNow());
        return Task.FromResult(_index.Digest);
    }

    Task<TerritoryIndexCopy> ITerritoryIndexGrain.CopyAsync(ITerritoryIndexWatcher watcher)
    {
        _watchers.Watch(watcher, time.GetUtcNow());
        return Task.FromResult(new TerritoryIndexCopy(_index.Entries.ToArray(), _index.Digest));
    }
}
