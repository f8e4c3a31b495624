namespace GridGov.Contracts.Territory;

/// <summary>The rows behind the spatial index (table <c>gridgov_territory_index</c>), one per node.</summary>
public interface ITerritoryIndexStore
{
    Task<IReadOnlyList<TerritoryIndexEntry>> LoadDistrictAsync(string district, CancellationToken cancellationToken);

    /// <summary>
    /// The grids and micro-grids at or under <paramref name="code"/>, ordered by code, starting after
    /// <paramref name="after"/> (a code, or null for the first page), at most <paramref name="limit"/> of them.
    /// </summary>
    Task<IReadOnlyList<TerritoryIndexEntry>> ListGridsUnderAsync(string code, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>Writes the row unless a newer version is already there.</summary>
    Task UpsertAsync(TerritoryIndexEntry entry, double[]? envelope, CancellationToken cancellationToken);

    Task<IReadOnlyList<DistrictExtent>> LoadDistrictExtentsAsync(CancellationToken cancellationToken);

    /// <summary>Records a district's extent (table <c>gridgov_district_extents</c>).</summary>
    Task SetDistrictExtentAsync(DistrictExtent extent, CancellationToken cancellationToken);
}
