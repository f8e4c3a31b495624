namespace GridGov.Contracts.People;

/// <summary>
/// Households and their residents, Party organizations and members as rows, for lists and lookups (tables
/// <c>gridgov_households</c>, <c>gridgov_residents</c>, <c>gridgov_party_organizations</c>, <c>gridgov_party_members</c>),
/// and the archive of deleted entries (<c>gridgov_people_archive</c>).
/// </summary>
public interface IPeopleReadModel
{
    /// <summary>Writes the household's row and its residents' rows, unless a newer version is there.</summary>
    Task UpsertHouseholdAsync(HouseholdSnapshot household, CancellationToken cancellationToken);

    /// <summary>Households of a territory node (a grid, or everything under a community…), by id, after the cursor.</summary>
    Task<IReadOnlyList<HouseholdSnapshot>> ListHouseholdsAsync(string territory, string? careTag, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The households of residents whose identity number has this hash, within a district.</summary>
    Task<IReadOnlyList<string>> FindHouseholdsByIdNumberAsync(string district, string idNumberHash, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the organization's row unless a newer revision is there. The revision counts every write of the
    /// organization (its children and members included); its <see cref="PartyOrganizationSnapshot.Version"/> does not.
    /// </summary>
    Task UpsertOrganizationAsync(PartyOrganizationSnapshot organization, long revision, CancellationToken cancellationToken);

    Task UpsertMemberAsync(PartyMemberSnapshot member, CancellationToken cancellationToken);

    /// <summary>The organizations built on a Party-building grid (and on its comprehensive grids), by id.</summary>
    Task<IReadOnlyList<PartyOrganizationSnapshot>> ListOrganizationsAsync(string partyGridId, IReadOnlyList<string> gridCodes, CancellationToken cancellationToken);

    /// <summary>The members of the given organizations, by id, after the cursor.</summary>
    Task<IReadOnlyList<PartyMemberSnapshot>> ListMembersAsync(IReadOnlyList<string> organizationIds, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The mobile members (流动党员) of one organization, by id, after the cursor.</summary>
    Task<IReadOnlyList<PartyMemberSnapshot>> ListMobileMembersAsync(string organizationId, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Archives a deleted entry and removes its rows (a household's with its residents'), in one transaction.
    /// Idempotent: the same deletion (entity and time) is archived once.
    /// </summary>
    Task RemoveAsync(RegistryDeletion deletion, CancellationToken cancellationToken);
}
