using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.People;

/// <summary>
/// A grid worker reaches only the grids whose staff they are; every other role reaches every grid of the districts
/// its scope covers (which the tenant call filter has already checked). The caller is read from the request context,
/// whose signature that filter verified on the way into this (tenant) grain; a grain acting on its own (a reminder,
/// a timer) carries no caller and reaches everything.
/// </summary>
internal static class GridAccess
{
    public static async Task<bool> ReachesAsync(IGrainFactory grains, string gridCode)
    {
        if (CallerContext.Current() is not ({ Role: Roles.GridWorker } caller, _))
        {
            return true;
        }

        var grid = TerritoryCode.IsValid(gridCode) ? await grains.GetGrain<ITerritoryGrain>(gridCode).GetAsync() : null;
        return grid is not null && caller.StaffId is not null && grid.Staff.Any(s => s.Id == caller.StaffId);
    }
}
