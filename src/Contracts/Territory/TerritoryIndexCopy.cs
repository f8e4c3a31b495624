namespace GridGov.Contracts.Territory;

/// <summary>A whole district index: its entries and their digest.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.territory-index-copy")]
public sealed record TerritoryIndexCopy(
    [property: Id(0)] IReadOnlyList<TerritoryIndexEntry> Entries,
    [property: Id(1)] long Digest);
