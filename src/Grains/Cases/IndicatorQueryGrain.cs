using System.Text.Json;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using Orleans.Concurrency;

namespace GridGov.Grains.Cases;

/// <summary>
/// Answers the indicator questions that start by checking the node: the roll-up, the nodes to rank (walking the tree
/// level by level, each level in parallel) and the recount. Keeps no state, so any silo answers.
/// </summary>
[StatelessWorker]
internal sealed class IndicatorQueryGrain(ICaseReadModel readModel) : Grain, IIndicatorQueryGrain
{
    private string Code => this.GetPrimaryKeyString();

    async Task<IndicatorSet?> IIndicatorQueryGrain.GetAsync(int from, int to, int today) =>
        await NodeAsync() is null ? null : await GrainFactory.GetGrain<IIndicatorsGrain>(Code).GetAsync(from, to, today);

    async Task<IReadOnlyList<RankedNode>?> IIndicatorQueryGrain.GetNodesAsync(TerritoryLevel? level, int from, int to, int today)
    {
        if (await NodeAsync() is not { } node)
        {
            return null;
        }

        if (level is { } wanted && wanted <= node.Level)
        {
            throw DomainException.Invalid("level", $"level must be below the node's own level ({JsonNamingPolicy.CamelCase.ConvertName(node.Level.ToString())}).");
        }

        var nodes = await NodesAsync(level);
        return await Task.WhenAll(nodes.Select(async n => new RankedNode(n, await GrainFactory.GetGrain<IIndicatorsGrain>(n.Code).GetAsync(from, to, today))));
    }

    async Task<IndicatorRecount?> IIndicatorQueryGrain.RecountAsync()
    {
        if (await NodeAsync() is null)
        {
            return null;
        }

        var grain = GrainFactory.GetGrain<IIndicatorsGrain>(Code);
        var (counted, recount) = await CountAsync();
        var drift = Differences(await grain.GetTallyAsync(), recount);
        IReadOnlyList<TallyDrift> after = [];
        if (drift.Count > 0)
        {
            await grain.RebuildAsync();
            (counted, recount) = await CountAsync();
            after = Differences(await grain.GetTallyAsync(), recount);
        }

        return new IndicatorRecount(counted, drift, drift.Count > 0, after);
    }

    private Task<TerritorySnapshot?> NodeAsync() => GrainFactory.GetGrain<ITerritoryGrain>(Code).GetAsync();

    private async Task<(int Cases, Tally Tally)> CountAsync()
    {
        var tally = new Tally();
        var count = 0;
        // A case a re-gridding moved counts in each grid by its share (GridShares), so the recount divides it the same way.
        var moves = (await readModel.DeparturesUnderAsync(Code, CancellationToken.None))
            .GroupBy(m => m.Case.Id, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(m => m.Case.Version).ToArray(), StringComparer.Ordinal);
        bool Under(string grid) => grid.StartsWith(Code, StringComparison.Ordinal);
        void AddShares(CaseSnapshot c, CaseDeparture[] caseMoves)
        {
            foreach (var grid in caseMoves.SelectMany(m => new[] { m.From, m.To }).Append(c.GridCode).Distinct().Where(Under))
            {
                tally.Add(GridShares.Of(grid, c, caseMoves), 1);
            }
        }

        await foreach (var c in readModel.CasesUnderAsync(Code, CancellationToken.None))
        {
            if (moves.Remove(c.Id, out var caseMoves))
            {
                AddShares(c, caseMoves);
            }
            else
            {
                tally.Add(Metrics.KeysOf(c), 1);
            }

            count++;
        }

        // Cases that left this node's grids for grids elsewhere still count here for what they counted before.
        foreach (var caseMoves in moves.Values)
        {
            AddShares(caseMoves[^1].Case, caseMoves);
            count++;
        }

        return (count, tally);
    }

    private static IReadOnlyList<TallyDrift> Differences(IReadOnlyDictionary<TallyKey, long> live, Tally recount) =>
        new Tally(live).Differences(recount.Counts).Select(d => new TallyDrift(d.Key, d.Mine, d.Theirs)).ToArray();

    /// <summary>The node's children, or every node of a level under it, walking the tree level by level.</summary>
    private async Task<IReadOnlyList<TerritoryChild>> NodesAsync(TerritoryLevel? level)
    {
        var current = (await GrainFactory.GetGrain<ITerritoryGrain>(Code).GetChildrenAsync() ?? []).ToList();
        while (level is { } l && current.Count > 0 && current.Any(c => c.Level < l))
        {
            var next = await Task.WhenAll(current.Select(async c => c.Level >= l
                ? [c]
                : (IEnumerable<TerritoryChild>)(await GrainFactory.GetGrain<ITerritoryGrain>(c.Code).GetChildrenAsync() ?? [])));
            current = next.SelectMany(n => n).ToList();
        }

        return level is { } wanted ? current.Where(c => c.Level == wanted).ToArray() : current;
    }
}
