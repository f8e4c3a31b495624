namespace GridGov.Contracts.Police;

/// <summary>
/// The police areas' read model (tables <c>gridgov_police_areas</c>, <c>gridgov_police_area_grids</c>) and the
/// per-area indicators from the case read model (<c>gridgov_cases.police_area</c>).
/// </summary>
public interface IPoliceAreaStore
{
    /// <summary>Writes the area's row and its grid links unless a newer version is already there.</summary>
    Task UpsertAsync(PoliceAreaSnapshot area, double[]? envelope, CancellationToken cancellationToken);

    Task DeleteAsync(string district, string code, long version, CancellationToken cancellationToken);

    /// <summary>The district's areas ordered by code, after <paramref name="after"/>, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<PoliceAreaSnapshot>> ListAsync(string district, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The codes of the areas whose envelope meets <paramref name="envelope"/> or that are linked to <paramref name="gridCode"/>.</summary>
    Task<IReadOnlyList<string>> NearAsync(string district, double[]? envelope, string gridCode, CancellationToken cancellationToken);

    /// <summary>The areas whose envelope holds the point, with their boundaries, for the caller to test.</summary>
    Task<IReadOnlyList<PoliceAreaSnapshot>> CandidatesAtAsync(string district, double lat, double lon, CancellationToken cancellationToken);

    /// <summary>The areas linked to the grid, ordered by code.</summary>
    Task<IReadOnlyList<PoliceAreaSnapshot>> LinkedToGridAsync(string district, string gridCode, CancellationToken cancellationToken);

    Task<PoliceAreaIndicators> IndicatorsAsync(string district, string code, DateTimeOffset now, CancellationToken cancellationToken);
}
