namespace GridGov.Contracts.Territory;

/// <summary>
/// One boundary a node had and when it was valid: <c>ValidFrom</c> is null for a boundary set before boundaries were
/// dated, <c>ValidTo</c> null for the boundary in force now.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.boundary-period")]
public sealed record BoundaryPeriod(
    [property: Id(0)] string? Boundary,
    [property: Id(1)] DateTimeOffset? ValidFrom,
    [property: Id(2)] DateTimeOffset? ValidTo);

/// <summary>A node's boundaries, oldest first, the one in force last; and its retirement, if it was retired.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.territory-history")]
public sealed record TerritoryHistory(
    [property: Id(0)] string Code,
    [property: Id(1)] IReadOnlyList<BoundaryPeriod> Boundaries,
    [property: Id(2)] DateTimeOffset? RetiredAt,
    [property: Id(3)] string? Successor);

public enum RetirementPhase
{
    /// <summary>The node is retired; its open cases and households are being moved.</summary>
    Moving,

    /// <summary>Everything is moved.</summary>
    Done,
}

/// <summary>Where a node's retirement stands: how many open cases and households have moved, and where to.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.retirement-status")]
public sealed record RetirementStatus(
    [property: Id(0)] string Code,
    [property: Id(1)] string? Successor,
    [property: Id(2)] RetirementPhase Phase,
    [property: Id(3)] int CasesMoved,
    [property: Id(4)] int HouseholdsMoved,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset? FinishedAt,
    [property: Id(7)] string Actor);
