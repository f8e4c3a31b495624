using System.Collections.Concurrent;
using GridGov.Contracts.Territory;

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
        private DateTimeOffset _checkedAt;
        private Task? _refreshing;
        /// <summary>Changes handed over while a whole copy is on its way: applied to it when it arrives.</summary>
        private List<TerritoryIndexEntry>? _arrivedMeanwhile;

        public Task EnsureCurrentAsync(ITerritoryIndexGrain grain, ITerritoryIndexWatcher watcher, TimeProvider time)
        {
            lock (_lock)
            {
                if (_index is not null && time.GetUtcNow() - _checkedAt < Renewal)
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

        public LocateResult Locate(double lat, double lon)
        {
            lock (_lock)
            {
                return _index!.Locate(lat, lon);
            }
        }

        public void Apply(TerritoryIndexEntry entry)
        {
            lock (_lock)
            {
                _index?.Upsert(entry);
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
                        _checkedAt = time.GetUtcNow();
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

                    _index = index;
                    _checkedAt = time.GetUtcNow();
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
