using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.ServicePoints;

/// <summary>A service point, keyed <c>{district}-SP{id}</c>: the source of truth, which keeps its read-model row in step.</summary>
[Alias("gridgov.service-point-grain")]
public interface IServicePointGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates or replaces the point (412 when <paramref name="expectedVersion"/> is stale); places it in a grid by locate.</summary>
    [Alias("put")]
    Task<ServicePointPutResult> PutAsync(ServicePointUpsert point, long? expectedVersion);

    [ReadOnly, Alias("get")]
    Task<ServicePointSnapshot?> GetAsync();

    /// <summary>Deletes the point and its row (404 when there is none, 412 when stale).</summary>
    [Alias("delete")]
    Task DeleteAsync(long? expectedVersion);
}

/// <summary>
/// A district's service points as the read model holds them (key: the district code): near a point, listed, or all of
/// them for the map. A stateless worker, so each answer is one query and activates no service point.
/// </summary>
[Alias("gridgov.service-point-directory")]
public interface IServicePointDirectoryGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>The points within <paramref name="minutes"/>' walk of the point, nearest first (ties by id).</summary>
    [ReadOnly, Alias("near")]
    Task<IReadOnlyList<NearServicePoint>> NearAsync(double lat, double lon, int minutes, ServicePointKind? kind);

    [ReadOnly, Alias("list")]
    Task<ServicePointPage> ListAsync(ServicePointKind? kind, string? after, int limit);
}

/// <summary>
/// The service circle of one community (key: the community's code): a stateless worker that reads the community's
/// households, its grids' boundaries and the service points around it, and computes the coverage.
/// </summary>
[Alias("gridgov.service-coverage-grain")]
public interface IServiceCoverageGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Null when the community does not exist.</summary>
    [ReadOnly, Alias("get")]
    Task<ServiceCoverage?> GetAsync(IReadOnlyList<ServicePointKind> kinds, int minutes);
}

/// <summary>The service points as rows (table <c>gridgov_service_points</c>), for the near query, lists and coverage.</summary>
public interface IServicePointReadModel
{
    /// <summary>Writes the point's row unless a newer version is there.</summary>
    Task UpsertAsync(ServicePointSnapshot point, CancellationToken cancellationToken);

    Task RemoveAsync(string id, CancellationToken cancellationToken);

    /// <summary>The district's points inside the box (the prefilter of a distance query), of one kind when given.</summary>
    Task<IReadOnlyList<ServicePointSnapshot>> WithinBoxAsync(
        string district, double minLat, double minLon, double maxLat, double maxLon, ServicePointKind? kind, CancellationToken cancellationToken);

    /// <summary>At most <paramref name="limit"/> points of the district ordered by id, after the id <paramref name="after"/>.</summary>
    Task<IReadOnlyList<ServicePointSnapshot>> ListAsync(string district, ServicePointKind? kind, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>Every household registered in a grid under the node, with its grid and micro-grid.</summary>
    Task<IReadOnlyList<HouseholdPlace>> HouseholdPlacesAsync(string territory, CancellationToken cancellationToken);
}
