using GridGov.Contracts.Territory;
using Orleans.Concurrency;

namespace GridGov.Grains.Territory;

/// <summary>
/// Routes a point to the districts whose extent holds it and asks this silo's copies of their indexes
/// (<see cref="DistrictIndexes"/>), so a locate makes no grain call. One activation per silo caches the districts'
/// extents; a point that no cached district answers for reloads them once, so a district imported a moment ago is
/// found at once.
/// </summary>
[StatelessWorker]
internal sealed class LocatorGrain(ITerritoryIndexStore store, DistrictIndexes indexes) : Grain, ILocatorGrain
{
    private IReadOnlyList<DistrictExtent>? _extents;

    async Task<LocateResult> ILocatorGrain.LocateAsync(double lat, double lon, string? district)
    {
        if (district is not null)
        {
            return await indexes.LocateAsync(district, lat, lon);
        }

        _extents ??= await store.LoadDistrictExtentsAsync(CancellationToken.None);
        var location = await SearchAsync(_extents, lat, lon);
        if (location.Grid is null)
        {
            _extents = await store.LoadDistrictExtentsAsync(CancellationToken.None);
            location = await SearchAsync(_extents, lat, lon);
        }

        return location;
    }

    private async Task<LocateResult> SearchAsync(IReadOnlyList<DistrictExtent> extents, double lat, double lon)
    {
        var candidates = extents
            .Where(e => e.Contains(lat, lon))
            .OrderBy(e => e.District, StringComparer.Ordinal)
            .Select(e => indexes.LocateAsync(e.District, lat, lon).AsTask())
            .ToArray();
        var answers = await Task.WhenAll(candidates);
        return answers.FirstOrDefault(a => a.Grid is not null)
            ?? answers.Where(a => a.Fallback is not null).MaxBy(a => a.Fallback!.Level)
            ?? LocateResult.Nowhere;
    }
}
