using System.Collections.Concurrent;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Territory;

/// <summary>
/// Each silo's memory of the territory nodes it has seen open (existing and not retired), so checking a household's
/// grid costs a grain call (with the node's whole boundary) about once per node per silo, not once per household. A
/// node is remembered for <see cref="Memory"/> only: a node retired or deleted since (a re-gridding) is refused on
/// every silo within that time, and a node not known yet is asked for every time, so one created a moment ago is
/// found at once.
/// </summary>
public sealed class KnownNodes(TimeProvider time)
{
    /// <summary>As long as a silo's copy of the district index may lag (<see cref="DistrictIndexes.Renewal"/>).</summary>
    public static readonly TimeSpan Memory = DistrictIndexes.Renewal;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _openUntil = new(StringComparer.Ordinal);

    /// <summary>True when the node exists and is not retired.</summary>
    public async Task<bool> IsOpenAsync(IGrainFactory grains, string code)
    {
        var now = time.GetUtcNow();
        if (_openUntil.TryGetValue(code, out var until) && now < until)
        {
            return true;
        }

        if (await grains.GetGrain<ITerritoryGrain>(code).GetAsync() is not { Retired: false })
        {
            _openUntil.TryRemove(code, out _);
            return false;
        }

        _openUntil[code] = now + Memory;
        return true;
    }
}
