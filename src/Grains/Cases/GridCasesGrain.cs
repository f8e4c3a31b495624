using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Grains.Telemetry;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace GridGov.Grains.Cases;

/// <summary>
/// A grid's view of its cases, fed by the case events on the grid's stream. Applies an event only when it is newer
/// than what it has (events carry the whole case, so any newer one repairs a missed one), and writes the read model in
/// batches on a timer, not per event. It keeps no state of its own: on activation it starts from the grid's cases in
/// the read model. It is also the first source of the grid's indicators: it knows what each case last counted for, so
/// a newer snapshot becomes an exact delta, handed up in the same timer as the read-model write.
/// </summary>
[ImplicitStreamSubscription(StreamNamespaces.CaseEvents)]
internal sealed partial class GridCasesGrain(
    ICaseReadModel readModel, CaseMetrics metrics, TimeProvider time, Territory.DistrictIndexes territory, ILogger<GridCasesGrain> logger) : Grain, IGridCasesGrain
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<string, OpenCase> _open = new(StringComparer.Ordinal);
    private readonly DuplicateIndex _nearby = new();
    private readonly Dictionary<string, Counted> _counted = new(StringComparer.Ordinal);
    private readonly Tally _tally = new();
    private readonly TallyOutbox _outbox = new();
    private readonly Dictionary<string, CaseSnapshot> _unprojected = new(StringComparer.Ordinal);
    private readonly List<CaseEvent> _unlogged = [];
    /// <summary>Cases moved into this grid by a re-gridding: the counters they came with, which count in the old grid.</summary>
    private readonly Dictionary<string, TallyKey[]> _arrived = new(StringComparer.Ordinal);
    /// <summary>Cases moved out of this grid: what they counted here stays, frozen; their later events are not ours.</summary>
    private readonly HashSet<string> _departed = new(StringComparer.Ordinal);
    private readonly List<CaseDeparture> _unrecorded = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);

        var stream = this.GetStreamProvider(ProviderNames.Streams)
            .GetStream<CaseEvent>(StreamId.Create(StreamNamespaces.CaseEvents, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((e, _) => ApplyAsync(e));
        this.RegisterGrainTimer(FlushAsync, FlushInterval, FlushInterval);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync(cancellationToken);

    Task<GridCasesView> IGridCasesGrain.GetAsync()
    {
        var open = _open.Values.OrderBy(c => c.ReportedAt).ThenBy(c => c.Id, StringComparer.Ordinal).ToArray();
        var byState = open.GroupBy(c => c.State).ToDictionary(g => g.Key, g => g.Count());
        return Task.FromResult(new GridCasesView(this.GetPrimaryKeyString(), open, byState, open.Count(c => c.Overdue)));
    }


    Task<TallyBatch> IGridCasesGrain.SnapshotAsync() => Task.FromResult(_outbox.Snapshot(IndicatorsGrain.CasesSource, _tally));

    Task<TallyPosition> IGridCasesGrain.PositionAsync() => Task.FromResult(_outbox.Position);

    async Task IGridCasesGrain.ReloadAsync()
    {
        await FlushAsync(CancellationToken.None);
        if (_unprojected.Count > 0)
        {
            throw new InvalidOperationException($"Grid {this.GetPrimaryKeyString()} could not write its pending cases; try again.");
        }

        await LoadAsync(CancellationToken.None);
    }

    /// <summary>
    /// Starts from the read model under a new epoch. The state is replaced without an await in between, so a snapshot
    /// taken meanwhile (it interleaves) sees the old state or the new one, never half of each.
    /// </summary>
    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var code = this.GetPrimaryKeyString();
        var cases = await readModel.CasesOfNodeAsync(code, cancellationToken);
        var moves = (await readModel.DeparturesUnderAsync(code, cancellationToken)).Where(m => m.From == code || m.To == code).ToArray();
        _open.Clear();
        _nearby.Clear();
        _counted.Clear();
        _tally.Clear();
        _arrived.Clear();
        _departed.Clear();
        foreach (var move in moves.Where(m => m.To == code))
        {
            _arrived[move.Case.Id] = GridShares.Counters(move.Case);
        }

        foreach (var move in moves.Where(m => m.From == code))
        {
            Depart(move.Case);
        }

        foreach (var c in cases.Where(c => !_departed.Contains(c.Id)))
        {
            Count(c);
            if (CaseStates.IsOpen(c.State))
            {
                Open(c);
            }
        }

        // What was loaded is the tally's starting point, not a change: the node above takes a whole copy.
        _outbox.Restart();
    }

    /// <summary>Counts the case's latest snapshot in the tally instead of whatever its previous one counted for.</summary>
    private void Count(CaseSnapshot c) => Count(c.Id, c.Version, GridShares.Beyond(Metrics.KeysOf(c), _arrived.GetValueOrDefault(c.Id)));

    private void Count(string id, long version, TallyKey[] keys)
    {
        if (_counted.TryGetValue(id, out var before))
        {
            _tally.Add(before.Keys, -1);
            _outbox.Add(before.Keys, -1);
        }

        _counted[id] = new Counted(version, keys);
        _tally.Add(keys, 1);
        _outbox.Add(keys, 1);
    }

    private Task ApplyAsync(CaseEvent e)
    {
        if ((_counted.TryGetValue(e.CaseId, out var known) && known.Version >= e.Version) || _departed.Contains(e.CaseId))
        {
            return Task.CompletedTask;
        }

        if (e.Case.GridCode != this.GetPrimaryKeyString())
        {
            // Only a case's move reaches the grid it leaves (CaseGrain.Move): the case leaves the view, what it counted
            // here stays, and the departure is recorded so that it still counts here after a restart.
            if (e.Type == CaseGrain.MovedEvent)
            {
                Depart(e.Case);
                _unrecorded.Add(new CaseDeparture(this.GetPrimaryKeyString(), e.Case.GridCode, e.Case));
            }

            return Task.CompletedTask;
        }

        if (e.Type == CaseGrain.MovedEvent)
        {
            _arrived.TryAdd(e.CaseId, GridShares.Counters(e.Case));
        }

        metrics.Applied(time.GetUtcNow() - e.At);
        var c = e.Case;
        Count(c);
        Forget(c.Id);
        if (CaseStates.IsOpen(c.State))
        {
            Open(c);
        }

        _unprojected[c.Id] = c;
        _unlogged.Add(e);
        return Task.CompletedTask;
    }

    private void Open(CaseSnapshot c)
    {
        var open = new OpenCase(c.Id, c.State, c.Category, c.Lat, c.Lon, c.ReportedAt, c.Assignee, c.Deadline, c.Overdue, c.Version);
        _open[c.Id] = open;
        _nearby.Add(open);
    }

    /// <summary>A case moved out: it counts the counters it left with (less what it came with), and leaves the view.</summary>
    private void Depart(CaseSnapshot moved)
    {
        Count(moved.Id, moved.Version, GridShares.Beyond(GridShares.Counters(moved), _arrived.GetValueOrDefault(moved.Id)));
        Forget(moved.Id);
        _unprojected.Remove(moved.Id);
        _departed.Add(moved.Id);
    }

    private void Forget(string id)
    {
        if (_open.Remove(id, out var old))
        {
            _nearby.Remove(old);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_outbox.Next(IndicatorsGrain.CasesSource) is { } batch)
        {
            await GrainFactory.GetGrain<IIndicatorsGrain>(this.GetPrimaryKeyString()).ApplyAsync(batch);
        }

        if (_unrecorded.Count > 0)
        {
            var departures = _unrecorded.ToArray();
            try
            {
                await readModel.RecordDeparturesAsync(departures, cancellationToken);
                _unrecorded.RemoveRange(0, departures.Length);
            }
            catch (Exception e)
            {
                LogProjectionFailed(logger, e, this.GetPrimaryKeyString(), departures.Length);
            }
        }

        if (_unprojected.Count == 0)
        {
            return;
        }

        var cases = _unprojected.Values.ToArray();
        var events = _unlogged.ToArray();
        try
        {
            await readModel.ProjectAsync(cases, events, cancellationToken);
            _unlogged.RemoveRange(0, events.Length);
            foreach (var c in cases)
            {
                if (_unprojected.TryGetValue(c.Id, out var now) && now.Version == c.Version)
                {
                    _unprojected.Remove(c.Id);
                }
            }
        }
        catch (Exception e)
        {
            LogProjectionFailed(logger, e, this.GetPrimaryKeyString(), cases.Length);
        }
    }

    /// <summary>What a case counted for in the tally, by the version it was counted at.</summary>
    private readonly record struct Counted(long Version, TallyKey[] Keys);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grid {Grid} could not project {Count} case(s); it retries on its next flush")]
    private static partial void LogProjectionFailed(ILogger logger, Exception exception, string grid, int count);
}
