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
