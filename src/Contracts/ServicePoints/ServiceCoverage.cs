namespace GridGov.Contracts.ServicePoints;

/// <summary>How a household was placed on the map for coverage: households have no coordinates of their own.</summary>
public enum HouseholdPlacement
{
    /// <summary>At the centroid of its micro-grid's boundary.</summary>
    MicroGridCentroid,

    /// <summary>At the centroid of its comprehensive grid's boundary (no micro-grid, or one without a boundary).</summary>
    GridCentroid,
}

/// <summary>A kind's reach in a community: the households with at least one point of that kind within the walk.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.kind-coverage")]
public sealed record KindCoverage(
    [property: Id(0)] ServicePointKind Kind,
    [property: Id(1)] int Households,
    [property: Id(2)] double Share);

/// <summary>A household that misses at least one kind within the walk, where it was placed, and what it misses.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.household-coverage-gap")]
public sealed record HouseholdCoverageGap(
    [property: Id(0)] string HouseholdId,
    [property: Id(1)] string GridCode,
    [property: Id(2)] string? MicroGridCode,
    [property: Id(3)] HouseholdPlacement PlacedBy,
    [property: Id(4)] IReadOnlyList<ServicePointKind> Missing);

/// <summary>
/// The service circle of one community: of its <see cref="Households"/> placed on the map, how many reach every kind
/// asked for within <see cref="Minutes"/> (<see cref="Covered"/>, <see cref="Share"/>) and each kind
/// (<see cref="PerKind"/>); the households that miss something with what they miss; and the households that could
/// not be placed (their grid has no boundary), which the figures leave out.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.service-coverage")]
public sealed record ServiceCoverage(
    [property: Id(0)] string Community,
    [property: Id(1)] int Minutes,
    [property: Id(2)] IReadOnlyList<ServicePointKind> Kinds,
    [property: Id(3)] int Households,
    [property: Id(4)] int Covered,
    [property: Id(5)] double Share,
    [property: Id(6)] IReadOnlyList<KindCoverage> PerKind,
    [property: Id(7)] IReadOnlyList<HouseholdCoverageGap> Gaps,
    [property: Id(8)] int Unplaced);

/// <summary>Where a household is registered, for coverage: its grid and micro-grid (table <c>gridgov_households</c>).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.household-place")]
public sealed record HouseholdPlace(
    [property: Id(0)] string HouseholdId,
    [property: Id(1)] string GridCode,
    [property: Id(2)] string? MicroGridCode);
