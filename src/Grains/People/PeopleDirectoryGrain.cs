using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using Orleans.Concurrency;

namespace GridGov.Grains.People;

/// <summary>
/// Answers a district's people lists from the read model. A stateless worker: it holds nothing, so every silo answers
/// its own share; it exists so that a list is one call whoever asks, with the rules of who may list what (a grid
/// worker: their own grid only) and the Party-building grid's comprehensive grids looked up here, not in the API.
/// </summary>
[StatelessWorker]
internal sealed class PeopleDirectoryGrain(IPeopleReadModel readModel) : Grain, IPeopleDirectoryGrain
{
    private string District => this.GetPrimaryKeyString();

    async Task<IReadOnlyList<HouseholdSnapshot>> IPeopleDirectoryGrain.ListHouseholdsAsync(string territoryCode, string? careTag, string? cursor, int limit)
    {
        if (!TerritoryCode.IsValid(territoryCode) || DistrictCode.Of(territoryCode) != District)
        {
            throw DomainException.Invalid("code", $"'{territoryCode}' is not a territory code of district {District}.");
        }

        if (CallerContext.Current() is ({ Role: Roles.GridWorker }, _))
        {
            if (TerritoryCode.LevelOf(territoryCode) < TerritoryLevel.Grid)
            {
                throw DomainException.Forbidden("A grid worker lists the households of their own grid.");
            }

            var grid = territoryCode[..15];
            if (!await GridAccess.ReachesAsync(GrainFactory, grid))
            {
                throw DomainException.Forbidden($"You are not on the staff of grid {grid}.");
            }
        }

        return await readModel.ListHouseholdsAsync(territoryCode, careTag, cursor, limit, CancellationToken.None);
    }

    Task<IReadOnlyList<PartyOrganizationSnapshot>> IPeopleDirectoryGrain.ListPartyGridOrganizationsAsync(string partyGridId) =>
        OrganizationsOnAsync(partyGridId);

    async Task<IReadOnlyList<PartyMemberSnapshot>> IPeopleDirectoryGrain.ListPartyGridMembersAsync(string partyGridId, string? cursor, int limit)
    {
        var organizations = await OrganizationsOnAsync(partyGridId);
        return await readModel.ListMembersAsync(organizations.Select(o => o.Id).ToArray(), cursor, limit, CancellationToken.None);
    }

    private async Task<IReadOnlyList<PartyOrganizationSnapshot>> OrganizationsOnAsync(string partyGridId)
    {
        if (!PartyGridId.IsValid(partyGridId) || DistrictCode.Of(partyGridId) != District)
        {
            throw DomainException.Invalid("id", $"'{partyGridId}' is not a Party-building grid id of the form {{district}}-PG{{n}}.");
        }

        var partyGrid = await GrainFactory.GetGrain<IPartyGridGrain>(partyGridId).GetAsync()
            ?? throw DomainException.NotFound($"Party-building grid {partyGridId} does not exist.");
        return await readModel.ListOrganizationsAsync(partyGridId, partyGrid.GridCodes, CancellationToken.None);
    }
}
