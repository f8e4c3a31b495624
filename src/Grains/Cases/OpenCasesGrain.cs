using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using Orleans.Concurrency;

namespace GridGov.Grains.Cases;

/// <summary>
/// Gathers the open cases under a node from its grids' live views, level by level (a street's communities, then their
/// grids), each level in parallel: a district asks its few hundred grids in a handful of rounds. Keeps no state, so any
/// silo answers.
/// </summary>
[StatelessWorker]
internal sealed class OpenCasesGrain : Grain, IOpenCasesGrain
{
    async Task<IReadOnlyList<OpenCase>?> IOpenCasesGrain.GetAsync()
    {
        var code = this.GetPrimaryKeyString();
        if (await GrainFactory.GetGrain<ITerritoryGrain>(code).GetChildrenAsync() is not { } children)
        {
            return null;
        }

        // Cases are routed to micro-grids and grids, and a community's to itself where no grid holds them, so the view
        // of every node down to the micro-grids is asked.
        var open = new List<OpenCase>((await GrainFactory.GetGrain<IGridCasesGrain>(code).GetAsync()).Open);
        var level = TerritoryCode.LevelOf(code) < TerritoryLevel.MicroGrid ? children.Select(c => c.Code).ToList() : [];
        while (level.Count > 0)
        {
            var answers = await Task.WhenAll(level.Select(async c =>
                (View: await GrainFactory.GetGrain<IGridCasesGrain>(c).GetAsync(),
                 Children: TerritoryCode.LevelOf(c) < TerritoryLevel.MicroGrid ? await GrainFactory.GetGrain<ITerritoryGrain>(c).GetChildrenAsync() : null)));
            open.AddRange(answers.SelectMany(a => a.View.Open));
            level = answers.SelectMany(a => a.Children ?? []).Select(c => c.Code).ToList();
        }

        return open.OrderBy(c => c.ReportedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToArray();
    }
}
