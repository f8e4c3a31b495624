using GridGov.Contracts;
using GridGov.Contracts.Territory;

namespace GridGov.Grains.Territory;

[GenerateSerializer, Alias("gridgov.party-grid-directory-state")]
internal sealed class PartyGridDirectoryState
{
    [Id(0)] public Dictionary<string, PartyGridSummary> Grids { get; set; } = [];
}

/// <summary>
/// A district's list of Party-building grids (a few hundred: the reference district has 276), kept by each
/// Party-building grid after its writes and again on its activation, newest version wins.
/// </summary>
internal sealed class PartyGridDirectoryGrain(
    [PersistentState("party-grid-directory", ProviderNames.MainStorage)] IPersistentState<PartyGridDirectoryState> state)
    : Grain, IPartyGridDirectoryGrain
{
    async Task IPartyGridDirectoryGrain.SetAsync(PartyGridSummary summary)
    {
        if (state.State.Grids.TryGetValue(summary.Id, out var known) && (known == summary || known.Version > summary.Version))
        {
            return;
        }

        state.State.Grids[summary.Id] = summary;
        await state.WriteStateAsync();
    }

    async Task IPartyGridDirectoryGrain.RemoveAsync(string id)
    {
        if (state.State.Grids.Remove(id))
        {
            await state.WriteStateAsync();
        }
    }

    Task<IReadOnlyList<PartyGridSummary>> IPartyGridDirectoryGrain.ListAsync(string? after, int limit) =>
        Task.FromResult<IReadOnlyList<PartyGridSummary>>(state.State.Grids.Values
            .Where(g => after is null || string.CompareOrdinal(g.Id, after) > 0)
            .OrderBy(g => g.Id, StringComparer.Ordinal)
            .Take(limit)
            .ToArray());
}
