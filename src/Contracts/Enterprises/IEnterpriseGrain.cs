using GridGov.Contracts.People;
using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Enterprises;

/// <summary>
/// An enterprise of a district (社区+企业), keyed <c>{district}-{creditCode}</c>. It places itself in the grid its location
/// falls in (the district's spatial index, as case intake routes), checks its Party organization against the district's
/// Party tree, and keeps its row in the read model (<see cref="IEnterpriseReadModel"/>) in step.
/// </summary>
[Alias("gridgov.enterprise")]
public interface IEnterpriseGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates or replaces the enterprise; <paramref name="expectedVersion"/> (If-Match) must match when given (412).</summary>
    [Alias("put")]
    Task<Saved<EnterpriseSnapshot>> PutAsync(EnterpriseProfile profile, string actor, long? expectedVersion);

    /// <summary>The enterprise, or null when it does not exist.</summary>
    [ReadOnly, AlwaysInterleave, Alias("get")]
    Task<EnterpriseSnapshot?> GetAsync();

    /// <summary>Deletes the enterprise and its row; the cases that name it keep the name of its id.</summary>
    [Alias("delete")]
    Task DeleteAsync(string actor, long? expectedVersion);
}

/// <summary>The enterprises as rows (table <c>gridgov_enterprises</c>), written by their grains, for lists by territory.</summary>
public interface IEnterpriseReadModel
{
    /// <summary>Writes the row unless a newer version is there.</summary>
    Task UpsertAsync(EnterpriseSnapshot enterprise, CancellationToken cancellationToken);

    Task RemoveAsync(string id, CancellationToken cancellationToken);

    /// <summary>The enterprises located in <paramref name="territory"/> or below it (a grid, a community…), by id after the cursor.</summary>
    Task<IReadOnlyList<EnterpriseSnapshot>> ListAsync(string territory, string? after, int limit, CancellationToken cancellationToken);
}
