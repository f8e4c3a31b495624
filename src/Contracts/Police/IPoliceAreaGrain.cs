using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Police;

/// <summary>One police area (警务网格), keyed <c>{district}-PA{code}</c>.</summary>
[Alias("gridgov.police-area")]
public interface IPoliceAreaGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates or replaces the area and recomputes its grids. <paramref name="expectedVersion"/> is If-Match; <paramref name="createOnly"/> is If-None-Match: *.</summary>
    [Alias("put")]
    Task<PoliceAreaUpsertResult> PutAsync(PoliceAreaUpsert update, long? expectedVersion, bool createOnly);

    [ReadOnly, Alias("get")]
    Task<PoliceAreaSnapshot?> GetAsync();

    /// <summary>Every change of the area, oldest first; null when there is no area.</summary>
    [ReadOnly, Alias("history")]
    Task<IReadOnlyList<PoliceAreaChange>?> GetHistoryAsync();

    [Alias("delete")]
    Task DeleteAsync(long? expectedVersion, string actor);

    /// <summary>An operator's override of one grid's link; it survives every recomputation until cleared.</summary>
    [Alias("override-grid")]
    Task<PoliceAreaSnapshot> OverrideGridAsync(string gridCode, GridOverrideKind kind, long? expectedVersion, string actor);

    /// <summary>Recomputes the overlapped grids from the boundaries as they are now; <paramref name="reason"/> goes to the history.</summary>
    [Alias("recompute")]
    Task RecomputeAsync(string reason);
}

/// <summary>
/// The police areas' side of the territory (a stateless worker): hears of grid boundary changes from the district's
/// territory index and has the areas near them recompute; finds the area of a case. No district-wide grain is involved:
/// each answer is one read-model query.
/// </summary>
[Alias("gridgov.police-areas")]
public interface IPoliceAreasGrain : IGrainWithIntegerKey
{
    /// <summary>Puts each item's area, a few at a time, each judged on its own.</summary>
    [Alias("import")]
    Task<IReadOnlyList<PoliceAreaImportOutcome>> ImportAsync(string district, IReadOnlyList<PoliceAreaImportItem> items);

    [Alias("grid-changed")]
    Task GridChangedAsync(GridBoundaryChange change);

    /// <summary>The area containing the point, or, without a point (or none containing it), the area linked to the grid (lowest code).</summary>
    [Alias("find")]
    Task<PoliceAreaRef?> FindAsync(string district, double? lat, double? lon, string gridCode);
}
