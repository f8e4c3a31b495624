using System.Collections.Concurrent;
using GridGov.Contracts.Territory;
using NetTopologySuite.Index.Strtree;

namespace GridGov.Grains.Territory;

/// <summary>
/// This silo's copies of the district indexes it has located in, so a locate costs no grain call and no district's
/// index grain sits on every report of the district. Each copy is taken from the index grain, which then hands it
/// every change before answering the change; a copy renews its watch every <see cref="Renewal"/> and compares digests,
/// so a change missed while the index grain moved (its silo failed) is found within that time.
/// </summary>
public sealed class DistrictIndexes(IGrainFactory grains, TimeProvider time) : ITerritoryIndexWatcher
{
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Copy> _copies = new(StringComparer.Ordinal);
    private Task<ITerritoryIndexWatcher>? _reference;

    public async ValueTask<LocateResult> LocateAsync(string district, double lat, double lon)
    {
        var copy = _copies.GetOrAdd(district, static _ => new Copy());
        await copy.EnsureCurrentAsync(grains.GetGrain<ITerritoryIndexGrain>(district), await Reference, time);
        return copy.Locate(lat, lon);
    }

    /// <summary>
    /// The grids and micro-grids of the district, but <paramref name="except"/>, within <paramref name="metres"/> of the
    /// point (<see cref="NearbyNodes"/>).
    /// </summary>
    public async ValueTask<IReadOnlyList<string>> NearAsync(string district, double lat, double lon, double metres, string? except = null)
    {
        var copy = _copies.GetOrAdd(district, static _ => new Copy());
        await copy.EnsureCurrentAsync(grains.GetGrain<ITerritoryIndexGrain>(district), await Reference, time);
        return copy.Near(lat, lon, metres, except);
    }

    Task ITerritoryIndexWatcher.UpsertedAsync(string district, TerritoryIndexEntry entry)
    {
        if (_copies.TryGetValue(district, out var copy))
        {
            copy.Apply(entry);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// This silo's observer reference, made once. Orleans makes it only outside a grain's turn (it then belongs to the
    /// silo, not to the locator that asked first), hence the hop to the thread pool.
    /// </summary>
    private Task<ITerritoryIndexWatcher> Reference =>
        LazyInitializer.EnsureInitialized(ref _reference, () => Task.Run(() => grains.CreateObjectReference<ITerritoryIndexWatcher>(this)));

    private sealed class Copy
    {
        private readonly Lock _lock = new();
        private DistrictIndex? _index;
        /// <summary>The index as of its last change, built; locates read it without the lock.</summary>
        private volatile STRtree<DistrictIndex.Node>? _tree;
        private long _checkedAtTicks;
        private Task? _refreshing;
        /// <summary>Changes handed over while a whole copy is on its way: applied to it when it arrives.</summary>
        private List<TerritoryIndexEntry>? _arrivedMeanwhile;

        public Task EnsureCurrentAsync(ITerritoryIndexGrain grain, ITerritoryIndexWatcher watcher, TimeProvider time)
        {
            // The common case, a copy checked within its renewal, takes no lock: every locate of a district passes here.
            if (IsFresh(time))
            {
                return Task.CompletedTask;
            }

            lock (_lock)
            {
                if (IsFresh(time))
                {
                    return Task.CompletedTask;
                }

                // One refresh at a time; a failed one is not kept, so the next locate tries again.
                if (_refreshing is null || _refreshing.IsCompleted)
                {
                    _refreshing = RefreshAsync(grain, watcher, time);
                }

                return _refreshing;
            }
        }

        /// <summary>Whether there is a copy, checked against the index grain within <see cref="Renewal"/>.</summary>
        private bool IsFresh(TimeProvider time) =>
            Volatile.Read(ref _index) is not null && time.GetUtcNow().UtcTicks - Volatile.Read(ref _checkedAtTicks) < Renewal.Ticks;

        public LocateResult Locate(double lat, double lon)
        {
            var tree = _tree;
            if (tree is null)
            {
                lock (_lock)
                {
                    tree = _tree ??= _index!.Tree();
                }
            }

            return DistrictIndex.Locate(tree, lat, lon);
        }

        public IReadOnlyList<string> Near(double lat, double lon, double metres, string? except)
        {
            var tree = _tree;
            if (tree is null)
            {
                lock (_lock)
                {
                    tree = _tree ??= _index!.Tree();
                }
            }

            return NearbyNodes.Near(tree, lat, lon, metres, except);
        }

        public void Apply(TerritoryIndexEntry entry)
        {
            lock (_lock)
            {
                if (_index?.Upsert(entry) == true)
                {
                    _tree = null;
                }

                _arrivedMeanwhile?.Add(entry);
            }
        }

        private async Task RefreshAsync(ITerritoryIndexGrain grain, ITerritoryIndexWatcher watcher, TimeProvider time)
        {
            DistrictIndex? held;
            lock (_lock)
            {
                held = _index;
            }

            if (held is not null)
            {
                var digest = await grain.WatchAsync(watcher);
                lock (_lock)
                {
                    if (held.Digest == digest)
                    {
                        Volatile.Write(ref _checkedAtTicks, time.GetUtcNow().UtcTicks);
                        return;
                    }
                }
            }

            lock (_lock)
            {
                _arrivedMeanwhile = [];
            }

            try
            {
                var whole = await grain.CopyAsync(watcher);
                var index = new DistrictIndex();
                foreach (var entry in whole.Entries)
                {
                    index.Upsert(entry);
                }

                lock (_lock)
                {
                    foreach (var entry in _arrivedMeanwhile!)
                    {
                        index.Upsert(entry);
                    }

                    _tree = null;
                    Volatile.Write(ref _index, index);
                    Volatile.Write(ref _checkedAtTicks, time.GetUtcNow().UtcTicks);
                }
            }
            finally
            {
                lock (_lock)
                {
                    _arrivedMeanwhile = null;
                }
            }
        }
    }
}
