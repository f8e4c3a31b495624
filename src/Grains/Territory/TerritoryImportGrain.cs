using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Orleans.Concurrency;

namespace GridGov.Grains.Territory;

/// <summary>
/// Applies an import's features level by level, parents before children whatever their order in the file, at most
/// <see cref="Parallelism"/> at a time, each judged on its own. Keeps no state, so any silo runs it.
/// </summary>
[StatelessWorker]
internal sealed class TerritoryImportGrain : Grain, ITerritoryImportGrain
{
    private const int Parallelism = 16;

    async Task<IReadOnlyList<TerritoryImportOutcome>> ITerritoryImportGrain.ImportAsync(IReadOnlyList<TerritoryImportItem> items)
    {
        var outcomes = new List<TerritoryImportOutcome>(items.Count);
        using var gate = new SemaphoreSlim(Parallelism);
        foreach (var level in items.GroupBy(i => i.Code.Length).OrderBy(g => g.Key))
        {
            outcomes.AddRange(await Task.WhenAll(level.Select(async item =>
            {
                await gate.WaitAsync();
                try
                {
                    var result = await GrainFactory.GetGrain<ITerritoryGrain>(item.Code)
                        .UpsertAsync(new TerritoryUpsert(item.Name, item.Boundary, [], KeepStaff: true), null, false);
                    return new TerritoryImportOutcome(item.Index, item.Code, result.Outcome, null);
                }
                catch (DomainException e)
                {
                    return new TerritoryImportOutcome(item.Index, item.Code, null, e.Message);
                }
                finally
                {
                    gate.Release();
                }
            })));
        }

        return outcomes;
    }
}
