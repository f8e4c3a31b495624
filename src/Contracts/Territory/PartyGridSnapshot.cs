namespace GridGov.Contracts.Territory;

[GenerateSerializer, Immutable, Alias("gridgov.party-grid-snapshot")]
public sealed record PartyGridSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> GridCodes,
    [property: Id(3)] long Version);

[GenerateSerializer, Immutable, Alias("gridgov.party-grid-upsert-result")]
public sealed record PartyGridUpsertResult(
    [property: Id(0)] UpsertOutcome Outcome,
    [property: Id(1)] PartyGridSnapshot PartyGrid);

/// <summary>One change of a Party-building grid's set of grids: when, by whom, and the set it left.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.party-grid-change")]
public sealed record PartyGridChange(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string What,
    [property: Id(3)] IReadOnlyList<string> GridCodes,
    [property: Id(4)] IReadOnlyList<string> Added,
    [property: Id(5)] IReadOnlyList<string> Removed);

/// <summary>A Party-building grid as its district's list shows it.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.party-grid-summary")]
public sealed record PartyGridSummary(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] int GridCount,
    [property: Id(3)] long Version);
