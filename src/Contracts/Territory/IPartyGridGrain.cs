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

    /// <summary>Deletes the Party-building grid and releases its grids; refused (409) while Party organizations sit on it.</summary>
    [Alias("delete")]
    Task DeleteAsync(long? expectedVersion);

    /// <summary>Every change of its set of grids, oldest first (kept after a deletion); null when it never existed.</summary>
    [ReadOnly, Alias("history")]
    Task<IReadOnlyList<PartyGridChange>?> GetHistoryAsync();
}

/// <summary>
/// The Party-building grids of one district (keyed by the district code), kept by the grids themselves, so the list is
/// one call and activates no Party-building grid.
/// </summary>
[Alias("gridgov.party-grid-directory")]
public interface IPartyGridDirectoryGrain : IGrainWithStringKey, ITenantGrain
{
    [Alias("set")]
    Task SetAsync(PartyGridSummary summary);

    [Alias("remove")]
    Task RemoveAsync(string id);

    /// <summary>At most <paramref name="limit"/> grids ordered by id, after the id <paramref name="after"/>.</summary>
    [ReadOnly, Alias("list")]
    Task<IReadOnlyList<PartyGridSummary>> ListAsync(string? after, int limit);
}
