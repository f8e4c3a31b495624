using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Territory;

/// <summary>A Party-building grid's deletion, the history of its grid sets, and its entry in the district's list.</summary>
internal sealed partial class PartyGridGrain
{
    async Task IPartyGridGrain.DeleteAsync(long? expectedVersion)
    {
        if (!S.Exists)
        {
            throw DomainException.NotFound($"Party-building grid {Id} does not exist.");
        }

        if (expectedVersion is { } expected && expected != S.Version)
        {
            throw DomainException.Stale(expected, S.Version);
        }

        var organizations = await people.ListOrganizationsAsync(Id, [], CancellationToken.None);
        if (organizations.Count > 0)
        {
            throw DomainException.Conflict(
                $"Party-building grid {Id} carries {organizations.Count} Party organization(s) ({string.Join(", ", organizations.Take(5).Select(o => o.Id))}); move or delete them first.",
                "id");
        }

        // The grids to release are written with the deletion, so a crash before they are released is settled on activation.
        var released = S.GridCodes;
        S.History.Add(new PartyGridChange(time.GetUtcNow(), Actor(), "deleted", [], [], released));
        S.Exists = false;
        S.GridCodes = [];
        S.Unsettled = [.. released];
        S.Version++;
        await state.WriteStateAsync();

        await SettleAsync(released);
        S.Unsettled = [];
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IPartyGridDirectoryGrain>(DistrictCode.Of(Id)).RemoveAsync(Id);
    }

    Task<IReadOnlyList<PartyGridChange>?> IPartyGridGrain.GetHistoryAsync() =>
        Task.FromResult<IReadOnlyList<PartyGridChange>?>(S.Exists || S.History.Count > 0 ? S.History.ToArray() : null);

    private Task ListInDirectoryAsync() => GrainFactory.GetGrain<IPartyGridDirectoryGrain>(DistrictCode.Of(Id))
        .SetAsync(new PartyGridSummary(Id, S.Name, S.GridCodes.Count, S.Version));

    /// <summary>Who made the change: the caller the call carries, or the system for a grain acting on its own.</summary>
    private static string Actor() => CallerContext.Current() is var (caller, _) ? caller.Actor : "system";
}
