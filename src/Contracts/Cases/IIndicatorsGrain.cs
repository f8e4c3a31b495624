using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Cases;

/// <summary>Where a tally source stands: its epoch and the sequence number of its last batch.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.tally-position")]
public sealed record TallyPosition([property: Id(0)] Guid Epoch, [property: Id(1)] long Seq);

/// <summary>
/// The indicator roll-up of one territory node (grid → community → street → district), keyed by its code. Its sources
/// are the node's own case view (<see cref="IGridCasesGrain"/>) and the roll-ups of its child nodes; each hands it
/// deltas in batches on a timer, and it hands its own deltas to its parent the same way. It keeps each source's
/// whole tally, so a source that restarted (a new epoch) or lost a batch (a gap) is replaced by a fresh copy — the
/// node's numbers stay the exact sum of its sources.
/// </summary>
[Alias("gridgov.indicators-grain")]
public interface IIndicatorsGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// A delta (or, on a new epoch, a notice to take a whole copy) from one of the node's sources. One-way: a source
    /// never waits on the node above it, so calls only ever wait downwards and cannot deadlock; a lost batch shows
    /// up as a gap (or on the node's heartbeat) and is repaired by a whole copy.
    /// </summary>
    [OneWay, Alias("apply")]
    Task ApplyAsync(TallyBatch batch);

    /// <summary>The node's whole tally, at a sequence number; pending deltas are folded into it.</summary>
    [AlwaysInterleave, Alias("snapshot")]
    Task<TallyBatch> SnapshotAsync();

    [AlwaysInterleave, Alias("position")]
    Task<TallyPosition> PositionAsync();

    /// <summary>The node's indicators for the days <paramref name="from"/> to <paramref name="to"/>, yyyyMMdd.</summary>
    [ReadOnly, Alias("get")]
    Task<IndicatorSet> GetAsync(int from, int to, int today);

    /// <summary>The whole tally as it stands (for a recount to compare with).</summary>
    [ReadOnly, Alias("tally")]
    Task<IReadOnlyDictionary<TallyKey, long>> GetTallyAsync();

    /// <summary>Rebuilds the node and everything below it from the read model (the repair after a recount found drift).</summary>
    [Alias("rebuild")]
    Task RebuildAsync();
}
