using GridGov.Contracts.Security;
using Orleans.Concurrency;

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

/// <summary>A Party-building grid (党建网格), keyed <c>{district}-PG{n}</c>: merges whole comprehensive grids of one district.</summary>
[Alias("gridgov.party-grid")]
public interface IPartyGridGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates or changes the Party-building grid; the answer says which (or that nothing changed).</summary>
    [Alias("upsert-outcome")]
    Task<PartyGridUpsertResult> UpsertAsync(string name, IReadOnlyList<string> gridCodes, long? expectedVersion);

    [ReadOnly, Alias("get")]
    Task<PartyGridSnapshot?> GetAsync();
}

public static class PartyGridId
{
    /// <summary><c>{district}-PG{n}</c>, n a positive number.</summary>
    public static bool IsValid(string? id) =>
        id is { Length: > 9 } && TerritoryCode.IsValid(DistrictCode.Of(id)) && id.AsSpan(6, 3).SequenceEqual("-PG")
        && id[9..].All(char.IsAsciiDigit) && id.Length <= 20 && id[9] != '0';
}
