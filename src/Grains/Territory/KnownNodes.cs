using System.Collections.Concurrent;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Territory;

/// <summary>
/// Each silo's memory of the territory nodes it has seen exist. Nodes are never deleted, so a node once seen stays
/// known, and checking a household's grid costs a grain call (with the node's whole boundary) once per silo, not once
/// per household. A node not known yet is asked for every time, so one created a moment ago is found at once.
/// </summary>
public sealed class KnownNodes
{
    private readonly ConcurrentDictionary<string, bool> _known = new(StringComparer.Ordinal);

    public async Task<bool> ExistsAsync(IGrainFactory grains, string code)
    {
        if (_known.ContainsKey(code))
        {
            return true;
        }

        if (await grains.GetGrain<ITerritoryGrain>(code).GetAsync() is null)
        {
            return false;
        }

        _known[code] = true;
        return true;
    }
}
