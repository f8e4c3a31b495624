using GridGov.Contracts.People;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.People;

/// <summary>Re-gridding: a household follows its grid's (or micro-grid's) retirement to the successor.</summary>
internal sealed partial class HouseholdGrain
{
    async Task<bool> IHouseholdGrain.MoveGridAsync(string from, string to, string reason, string actor)
    {
        await SettleAsync();
        if (Live is not { } current)
        {
            return false;
        }

        var address = current.Address;
        var fromMicroGrid = TerritoryCode.LevelOf(from) == TerritoryLevel.MicroGrid;
        if (fromMicroGrid ? address.MicroGridCode != from : address.GridCode != from)
        {
            return false;
        }

        // A micro-grid's successor is a micro-grid (and its grid); a grid's successor is a grid, and the household's
        // micro-grid, which was under the retired grid, is left for the successor's staff to set.
        var moved = TerritoryCode.LevelOf(to) == TerritoryLevel.MicroGrid
            ? address with { GridCode = TerritoryCode.ParentOf(to)!, MicroGridCode = to }
            : address with { GridCode = to, MicroGridCode = null };
        await CommitAsync(Recorded(current, actor, $"moved ({reason})", address.MicroGridCode ?? address.GridCode, moved.MicroGridCode ?? moved.GridCode) with { Address = moved });
        return true;
    }
}
