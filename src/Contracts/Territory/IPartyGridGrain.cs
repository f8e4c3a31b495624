using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Territory;

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
