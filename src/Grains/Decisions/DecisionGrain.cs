using GridGov.Contracts;
using GridGov.Contracts.Common;
using GridGov.Contracts.Decisions;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Decisions;

[GenerateSerializer, Alias("gridgov.decision-state")]
internal sealed class DecisionState
{
    [Id(0)] public List<DecisionEvent> History { get; set; } = [];

    /// <summary>The outbox: versions written but perhaps not yet appended to the event log.</summary>
    [Id(1)] public List<long> Unpublished { get; set; } = [];

    /// <summary>Set by the write that first disclosed the decision, until its village has listed it on the board.</summary>
    [Id(2)] public bool BoardPending { get; set; }

    public DecisionSnapshot? Current => History.Count > 0 ? History[^1].Decision : null;
}

/// <summary>
/// One village decision through the six steps of 四议两公开 (DOMAIN.md §6), each rule checked here
/// (<see cref="DecisionRules"/>). Like a case, every transition appends an event to the history and the outbox in one
/// write; the outbox then goes to the event log (live feeds, webhooks), and the first disclosure to the village's board
/// list. Both are retried on the next call or activation when they fail, so a write is never lost to its consumers.
/// </summary>
internal sealed partial class DecisionGrain(
    [PersistentState("decision", ProviderNames.MainStorage)] IPersistentState<DecisionState> state,
    IDecisionEventSink events,
    TimeProvider time,
    ILogger<DecisionGrain> logger) : Grain, IDecisionGrain
{
    private string Id => this.GetPrimaryKeyString();

    private DecisionSnapshot Decision => state.State.Current ?? throw DomainException.NotFound($"Decision {Id} does not exist.");

    public override Task OnActivateAsync(CancellationToken cancellationToken) => FlushAsync();

    async Task<DecisionSnapshot> IDecisionGrain.CreateAsync(string village, NewDecision decision)
    {
        if (state.State.Current is { } existing)
        {
            return existing;
        }

        DecisionRules.CheckNew(decision);
        var now = time.GetUtcNow();
        var created = new DecisionSnapshot(
            Id, village, decision.Matter.Trim(), decision.Kind, decision.Amount, decision.Origin, DecisionStatus.Open, 1, [], [], null,
            now, decision.Actor, null, 0);
        return await CommitAsync(created, DecisionEvents.Created, decision.Actor, null);
    }

    Task<DecisionSnapshot?> IDecisionGrain.GetAsync() => Task.FromResult(state.State.Current);

    Task<DecisionHistory?> IDecisionGrain.GetHistoryAsync() =>
        Task.FromResult(state.State.Current is { } d ? new DecisionHistory(d, state.State.History) : null);

    Task<PublicDecision?> IDecisionGrain.GetPublicAsync() =>
        Task.FromResult(state.State.Current is { } d ? PublicDecision.From(d) : null);

    /// <summary>The current decision for a change: flushed outbox, existing, open, at the version the caller expects.</summary>
    private async Task<DecisionSnapshot> ForChangeAsync(long? expectedVersion)
    {
        await FlushAsync();
        var d = Decision;
        if (expectedVersion is { } expected && expected != d.Version)
        {
            throw DomainException.Stale(expected, d.Version);
        }

        return d.Status == DecisionStatus.Open
            ? d
            : throw new DecisionRuleException("decision-closed", $"Decision {Id} is {d.Status.ToString().ToLowerInvariant()}; nothing more is recorded on it.");
    }

    private async Task<DecisionSnapshot> CommitAsync(DecisionSnapshot next, string type, string actor, string? note)
    {
        var wasDisclosed = state.State.Current?.Disclosed ?? false;
        var version = (state.State.Current?.Version ?? 0) + 1;
        var at = time.GetUtcNow();
        var snapshot = next with { Version = version };
        state.State.History.Add(new DecisionEvent(Guid.NewGuid(), Id, version, type, at, actor, note, snapshot));
        state.State.Unpublished.Add(version);
        state.State.BoardPending |= snapshot.Disclosed && !wasDisclosed;
        await state.WriteStateAsync();
        await FlushAsync();
        return snapshot;
    }

    /// <summary>
    /// Publishes the outbox and lists a disclosed decision on its village's board. Cleared in memory only: the next
    /// write stores the cleared outbox, and a crash before it publishes again (consumers ignore versions they have).
    /// </summary>
    private async Task FlushAsync()
    {
        var s = state.State;
        try
        {
            if (s.Unpublished.Count > 0)
            {
                var unpublished = s.Unpublished.ToHashSet();
                var entries = s.History.Where(e => unpublished.Contains(e.Version))
                    .Select(e => new DecisionLogEntry(e.EventId, Id, e.Version, e.Type, e.Decision.Village, e.At, e.Actor, e.Note, PublicDecision.From(e.Decision)))
                    .ToArray();
                await events.AppendAsync(entries, CancellationToken.None);
                s.Unpublished.Clear();
            }

            if (s.BoardPending && s.Current is { } d)
            {
                await GrainFactory.GetGrain<IVillageGrain>(d.Village).NoteDisclosedAsync(Id);
                s.BoardPending = false;
            }
        }
        catch (Exception e)
        {
            LogFlushFailed(logger, e, Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the events of decision {Id} failed; retried on its next call")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception, string id);
}
