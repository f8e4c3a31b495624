using GridGov.Contracts.Territory;

namespace GridGov.Grains.Territory;

/// <summary>
/// The spatial index of one district, loaded from its table on activation and kept current by the nodes themselves.
/// It takes the writes; locates are answered by every silo's copy (<see cref="DistrictIndexes"/>), which this grain
/// keeps current: a node's change reaches every watching copy before the change is answered.
/// </summary>
internal sealed class TerritoryIndexGrain(ITerritoryIndexStore store, TimeProvider time) : Grain, ITerritoryIndexGrain
{
    /// <summary>How long a copy is told of changes after it last renewed its watch: longer than it waits between renewals.</summary>
    public static readonly TimeSpan WatchLifetime = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan WatcherTimeout = TimeSpan.FromSeconds(5);

    private readonly DistrictIndex _index = new();
    private readonly Dictionary<ITerritoryIndexWatcher, DateTimeOffset> _watchers = [];
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

        var boundary = entry.Boundary is null ? null : Boundaries.Parse(entry.Boundary).EnvelopeInternal;
        await store.UpsertAsync(
            entry,
            boundary is null ? null : [boundary.MinX, boundary.MinY, boundary.MaxX, boundary.MaxY],
            CancellationToken.None);
        _index.Upsert(entry);

        var extent = _index.Extent(District);
        if (extent != _extent)
        {
            if (extent is not null)
            {
                await store.SetDistrictExtentAsync(extent, CancellationToken.None);
            }

            _extent = extent;
        }

        await TellWatchersAsync(entry);
    }

    Task<LocateResult> ITerritoryIndexGrain.LocateAsync(double lat, double lon) => Task.FromResult(_index.Locate(lat, lon));

    Task<long> ITerritoryIndexGrain.WatchAsync(ITerritoryIndexWatcher watcher)
    {
        Watch(watcher);
        return Task.FromResult(_index.Digest);
    }

    Task<TerritoryIndexCopy> ITerritoryIndexGrain.CopyAsync(ITerritoryIndexWatcher watcher)
    {
        Watch(watcher);
        return Task.FromResult(new TerritoryIndexCopy(_index.Entries.ToArray(), _index.Digest));
    }

    private void Watch(ITerritoryIndexWatcher watcher)
    {
        var now = time.GetUtcNow();
        _watchers[watcher] = now;
        foreach (var (old, _) in _watchers.Where(w => now - w.Value > WatchLifetime).ToArray())
        {
            _watchers.Remove(old);
        }
    }

    /// <summary>
    /// Hands the change to every watching copy and waits for them. A copy that does not answer in time is dropped: its
    /// silo is dead or cut off, and it finds the change by the digest when it renews its watch.
    /// </summary>
    private async Task TellWatchersAsync(TerritoryIndexEntry entry)
    {
        var watchers = _watchers.Keys.ToArray();
        var answered = await Task.WhenAll(watchers.Select(async watcher =>
        {
            try
            {
                await watcher.UpsertedAsync(District, entry).WaitAsync(WatcherTimeout);
                return true;
            }
            catch (Exception e) when (e is TimeoutException or OrleansException or InvalidOperationException)
            {
                return false;
            }
        }));

        for (var i = 0; i < watchers.Length; i++)
        {
            if (!answered[i])
            {
                _watchers.Remove(watchers[i]);
            }
        }
    }
}
