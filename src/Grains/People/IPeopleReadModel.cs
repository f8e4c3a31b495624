using GridGov.Contracts.People;

namespace GridGov.Grains.People;

/// <summary>Households and their residents as rows, for lists and lookups (tables <c>gridgov_households</c>, <c>gridgov_residents</c>).</summary>
public interface IPeopleReadModel
{
    /// <summary>Writes the household's row and its residents' rows, unless a newer version is there.</summary>
    Task UpsertHouseholdAsync(HouseholdSnapshot household, CancellationToken cancellationToken);

    /// <summary>Households of a territory node (a grid, or everything under a community…), by id, after the cursor.</summary>
    Task<IReadOnlyList<HouseholdSnapshot>> ListHouseholdsAsync(string territory, string? careTag, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The households of residents whose identity number has this hash, within a district.</summary>
    Task<IReadOnlyList<string>> FindHouseholdsByIdNumberAsync(string district, string idNumberHash, CancellationToken cancellationToken);
}
