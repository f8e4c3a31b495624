using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Cases;

/// <summary>
/// A territory node's indicator roll-up: the exact sum of its sources' tallies (its own case view and its child
/// nodes), kept per source. Deltas arrive in batches; a batch from an unknown epoch, or after a gap, is answered by
/// taking a whole copy from that source instead. Its own deltas go up to its parent on a timer, so a district
/// receives a few batches a second from each street, however busy the grids below are.
/// </summary>
internal sealed partial class IndicatorsGrain(ILogger<IndicatorsGrain> logger) : Grain, IIndicatorsGrain
{
    /// <summary>The source name of the node's own case view; child nodes are named by their code.</summary>
    public const string CasesSource = "cases";

    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the node asks its sources where they stand, to catch a restarted source or a lost batch.</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, SourceTally> _sources = new(StringComparer.Ordinal);
    private readonly Tally _tally = new();
    private readonly TallyOutbox _outbox = new();

    private string Code => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll((await SourceNamesAsync()).Select(PullAsync));
        this.RegisterGrainTimer(FlushAsync, FlushInterval, FlushInterval);
        this.RegisterGrainTimer(HeartbeatAsync, HeartbeatInterval, HeartbeatInterval);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    async Task IIndicatorsGrain.ApplyAsync(TallyBatch batch)
    {
        if (batch.Source != CasesSource && TerritoryCode.ParentOf(batch.Source) != Code)
        {
            LogForeignSource(logger, Code, batch.Source);
            return;
        }

        if (!_sources.TryGetValue(batch.Source, out var source) || source.Epoch != batch.Epoch || batch.Seq > source.Seq + 1)
        {
            await PullAsync(batch.Source);
            return;
        }

        if (batch.Seq <= source.Seq)
        {
            return;
        }

        source.Seq = batch.Seq;
        source.Counts.Add(batch.Counts);
        _tally.Add(batch.Counts);
        _outbox.Add(batch.Counts, 1);
    }

    Task<TallyBatch> IIndicatorsGrain.SnapshotAsync() => Task.FromResult(_outbox.Snapshot(Code, _tally));

    Task<TallyPosition> IIndicatorsGrain.PositionAsync() => Task.FromResult(_outbox.Position);

    Task<IndicatorSet> IIndicatorsGrain.GetAsync(int from, int to, int today) =>
        Task.FromResult(IndicatorSet.Compute(Code, _tally.Counts, from, to, today));

    Task<IReadOnlyDictionary<TallyKey, long>> IIndicatorsGrain.GetTallyAsync() =>
        Task.FromResult<IReadOnlyDictionary<TallyKey, long>>(_tally.Copy());

    async Task IIndicatorsGrain.RebuildAsync()
    {
        var names = (await SourceNamesAsync()).Union(_sources.Keys, StringComparer.Ordinal).ToArray();
        await Task.WhenAll(names.Select(name => name == CasesSource
            ? GrainFactory.GetGrain<IGridCasesGrain>(Code).ReloadAsync()
            : GrainFactory.GetGrain<IIndicatorsGrain>(name).RebuildAsync()));
        await Task.WhenAll(names.Select(PullAsync));
    }

    /// <summary>The node's own case view and its child nodes, as the territory tree knows them now.</summary>
    private async Task<IReadOnlyList<string>> SourceNamesAsync()
    {
        var children = await GrainFactory.GetGrain<ITerritoryGrain>(Code).GetChildrenAsync() ?? [];
        return [CasesSource, .. children.Select(c => c.Code)];
    }

    /// <summary>Replaces a source's tally by a whole copy of it.</summary>
    private async Task PullAsync(string name)
    {
        var batch = name == CasesSource
            ? await GrainFactory.GetGrain<IGridCasesGrain>(Code).SnapshotAsync()
            : await GrainFactory.GetGrain<IIndicatorsGrain>(name).SnapshotAsync();
        if (_sources.Remove(name, out var old))
        {
            _tally.Add(old.Counts.Counts, -1);
            _outbox.Add(old.Counts.Counts, -1);
        }

        _sources[name] = new SourceTally(batch.Epoch, batch.Seq, new Tally(batch.Counts));
        _tally.Add(batch.Counts);
        _outbox.Add(batch.Counts, 1);
    }

    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, source) in _sources.ToArray())
        {
            try
            {
                var position = name == CasesSource
                    ? await GrainFactory.GetGrain<IGridCasesGrain>(Code).PositionAsync()
                    : await GrainFactory.GetGrain<IIndicatorsGrain>(name).PositionAsync();
                if (position.Epoch != source.Epoch || position.Seq > source.Seq)
                {
                    await PullAsync(name);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogHeartbeatFailed(logger, e, Code, name);
            }
        }
    }

    private Task FlushAsync(CancellationToken cancellationToken)
    {
        // The root (a district) drains its outbox too, so nothing piles up there.
        if (_outbox.Next(Code) is { } batch && TerritoryCode.ParentOf(Code) is { } parent)
        {
            return GrainFactory.GetGrain<IIndicatorsGrain>(parent).ApplyAsync(batch);
        }

        return Task.CompletedTask;
    }

    private sealed class SourceTally(Guid epoch, long seq, Tally counts)
    {
        public Guid Epoch { get; } = epoch;

        public long Seq { get; set; } = seq;

        public Tally Counts { get; } = counts;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indicators of {Code} ignored a batch from {Source}, which is not one of its sources")]
    private static partial void LogForeignSource(ILogger logger, string code, string source);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Indicators of {Code} could not ask source {Source} where it stands; it asks again on its next heartbeat")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception exception, string code, string source);
}
