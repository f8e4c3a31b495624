namespace GridGov.Contracts.Territory;

/// <summary>The role of a person responsible for a territory node.</summary>
public enum StaffRole
{
    GridChief,
    GridWorker,
    MicroGridChief,

    /// <summary>
    /// A supervisor of a community, street or district (社区/街道/区 负责人): named by the escalation events of cases
    /// escalated to that node's level (docs/cases.md, "Escalation").
    /// </summary>
    Supervisor,
}

/// <summary>A person responsible for a node. Only the masked phone is ever stored (PIPL).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.staff-member")]
public sealed record StaffMember(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] StaffRole Role,
    [property: Id(3)] string? MaskedPhone);

/// <summary>
/// What a caller asks a territory node to become. <c>Boundary</c> is normalized GeoJSON geometry text.
/// <c>KeepStaff</c>: an existing node keeps its staff (a territory import, whose GeoJSON carries none, must not
/// clear the people registered on the grids).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.territory-upsert")]
public sealed record TerritoryUpsert(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Boundary,
    [property: Id(2)] IReadOnlyList<StaffMember> Staff,
    [property: Id(3)] bool KeepStaff = false);

[GenerateSerializer, Immutable, Alias("gridgov.territory-snapshot")]
public sealed record TerritorySnapshot(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] TerritoryLevel Level,
    [property: Id(3)] string? ParentCode,
    [property: Id(4)] string? Boundary,
    [property: Id(5)] IReadOnlyList<StaffMember> Staff,
    [property: Id(6)] long Version,
    [property: Id(7)] string? PartyGridId,
    [property: Id(8)] bool Retired = false,
    [property: Id(9)] DateTimeOffset? RetiredAt = null,
    [property: Id(10)] string? Successor = null);

[GenerateSerializer, Immutable, Alias("gridgov.territory-child")]
public sealed record TerritoryChild(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] TerritoryLevel Level);

public enum UpsertOutcome
{
    Created,
    Updated,
    Unchanged,
}

[GenerateSerializer, Immutable, Alias("gridgov.territory-upsert-result")]
public sealed record TerritoryUpsertResult(
    [property: Id(0)] UpsertOutcome Outcome,
    [property: Id(1)] TerritorySnapshot Territory);

/// <summary>A node found by locate: its code, name and level.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.located-node")]
public sealed record LocatedNode(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] TerritoryLevel Level);

/// <summary>
/// The answer of locate. <c>Grid</c> is set when a grid polygon contains the point; otherwise <c>Fallback</c> is the
/// deepest node that does (属地兜底), if any.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.locate-result")]
public sealed record LocateResult(
    [property: Id(0)] LocatedNode? Grid,
    [property: Id(1)] LocatedNode? MicroGrid,
    [property: Id(2)] LocatedNode? Fallback)
{
    public static readonly LocateResult Nowhere = new(null, null, null);
}

/// <summary>One node's entry in its district's spatial index.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.territory-index-entry")]
public sealed record TerritoryIndexEntry(
    [property: Id(0)] string Code,
    [property: Id(1)] string Name,
    [property: Id(2)] string? Boundary,
    [property: Id(3)] long Version);
