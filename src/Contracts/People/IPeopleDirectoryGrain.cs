using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.People;

/// <summary>
/// The lists of a district's people (key: the district code), read from the read model. Each list is one call that
/// also applies the rules of who may list what, so an API handler never combines a grain call with a query.
/// </summary>
[Alias("gridgov.people-directory")]
public interface IPeopleDirectoryGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// One page (at most <paramref name="limit"/> rows after the cursor) of the households under a territory node. A grid
    /// worker lists only a grid whose staff they are (403 otherwise).
    /// </summary>
    [ReadOnly, Alias("households")]
    Task<IReadOnlyList<HouseholdSnapshot>> ListHouseholdsAsync(string territoryCode, string? careTag, string? cursor, int limit);

    /// <summary>The organizations built on a Party-building grid, and the groups on its comprehensive grids (404 when it does not exist).</summary>
    [ReadOnly, Alias("party-grid-organizations")]
    Task<IReadOnlyList<PartyOrganizationSnapshot>> ListPartyGridOrganizationsAsync(string partyGridId);

    /// <summary>One page of the members of the organizations on a Party-building grid (404 when it does not exist).</summary>
    [ReadOnly, Alias("party-grid-members")]
    Task<IReadOnlyList<PartyMemberSnapshot>> ListPartyGridMembersAsync(string partyGridId, string? cursor, int limit);
}
