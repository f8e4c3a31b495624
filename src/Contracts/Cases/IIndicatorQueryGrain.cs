using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using Orleans.Concurrency;

namespace GridGov.Contracts.Cases;

/// <summary>One node under a ranked node, with its indicators.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.ranked-node")]
public sealed record RankedNode([property: Id(0)] TerritoryChild Node, [property: Id(1)] IndicatorSet Set);

/// <summary>A counter on which the live roll-up and a recount from the read model differ.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.tally-drift")]
public sealed record TallyDrift([property: Id(0)] TallyKey Key, [property: Id(1)] long Live, [property: Id(2)] long Recount);

/// <summary>What a recount found: the cases counted, the drift, and the drift left after the repair (if one was needed).</summary>
[GenerateSerializer, Immutable, Alias("gridgov.indicator-recount")]
public sealed record IndicatorRecount(
    [property: Id(0)] int CasesCounted,
    [property: Id(1)] IReadOnlyList<TallyDrift> Drift,
    [property: Id(2)] bool Repaired,
    [property: Id(3)] IReadOnlyList<TallyDrift> DriftAfterRepair);

/// <summary>
/// The questions about a node's indicators that need the node to exist first and then ask other grains or the read
/// model (keyed by the node's code). A stateless worker, so the workflow runs in the cluster, next to the grains and the
/// database, and the API makes one call; each answer is null when the node does not exist.
/// </summary>
[Alias("gridgov.indicator-query")]
public interface IIndicatorQueryGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>The node's indicators for the days <paramref name="from"/> to <paramref name="to"/>, yyyyMMdd.</summary>
    [ReadOnly, Alias("get")]
    Task<IndicatorSet?> GetAsync(int from, int to, int today);

    /// <summary>
    /// The node's children, or every node of <paramref name="level"/> under it, with their indicators (unordered);
    /// refused when the level is not below the node's own.
    /// </summary>
    [ReadOnly, Alias("nodes")]
    Task<IReadOnlyList<RankedNode>?> GetNodesAsync(TerritoryLevel? level, int from, int to, int today);

    /// <summary>Recounts the node's cases from the read model, compares with the live roll-up, and repairs any drift.</summary>
    [Alias("recount")]
    Task<IndicatorRecount?> RecountAsync();
}
