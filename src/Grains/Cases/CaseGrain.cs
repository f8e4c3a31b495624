using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Grains.Telemetry;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Cases;

/// <summary>
/// One case: the closed loop of DOMAIN.md §4. Every transition appends an event to the history and to the outbox in
/// the same write; the outbox is then published on the grid's stream. Deadlines are a durable reminder that fires the
/// 80 % warning and, at 100 %, the escalation one level up.
/// </summary>
/// <remarks>
/// Case reception (<see cref="CaseReceptionGrain"/>) creates a case by writing its first state without activating this
/// grain, so an activation may have read its state before the case was written: while it finds no case, the grain reads
/// its state again before it answers that the case does not exist.
/// </remarks>
internal sealed partial class CaseGrain(
    [PersistentState(CaseGrain.StateName, ProviderNames.MainStorage)] IPersistentState<CaseGrainState> state,
    CategoryCache categories,
    CaseMetrics metrics,
    TimeProvider time,
    ILogger<CaseGrain> logger) : Grain, ICaseGrain, IRemindable
{
    /// <summary>The name the case's state is stored under (case reception writes a new case's first state under it).</summary>
    public const string StateName = "case";
    private const string DeadlineReminder = "deadline";
    private const double WarningShare = 0.8;
    public const double DuplicateMetres = 50;
    public static readonly TimeSpan DuplicateWindow = TimeSpan.FromHours(24);

    private Task? _ready;

    private string Id => this.GetPrimaryKeyString();

    private CaseSnapshot Case => state.State.Current ?? throw DomainException.NotFound($"Case {Id} does not exist.");

    /// <summary>
    /// The state, made ready once per activation (concurrent read-only calls share it): an outbox left by a write whose
    /// publication was cut off is published, and, while there is no case, the state is read again, as case reception
    /// may have stored the case after this activation read.
    /// </summary>
    private async Task<CaseGrainState> LoadAsync()
    {
        if (_ready is null or { IsFaulted: true } or { IsCanceled: true } || (_ready.IsCompletedSuccessfully && state.State.Current is null))
        {
            _ready = ReadyAsync();
        }

        await _ready;
        return state.State;
    }

    private async Task ReadyAsync()
    {
        if (state.State.Current is null)
        {
            await state.ReadStateAsync();
        }

        var current = state.State;
        if (current.Outbox.Count > 0)
        {
            // State written by an earlier version: its outbox becomes versions; the next write stores it so.
            current.Unpublished.AddRange(current.Outbox.Select(e => e.Version).Except(current.Unpublished));
            current.Outbox.Clear();
        }

        if (current.Unpublished.Count > 0)
        {
            try
            {
                await PublishOutboxAsync();
            }
            catch (Exception e)
            {
                LogPublishFailed(logger, e, Id);
            }
        }
    }

    async Task<CaseSnapshot> ICaseGrain.ReportAsync(NewCase report)
    {
        if ((await LoadAsync()).Current is { } existing)
        {
            return existing;
        }

        await CommitAsync(await NewCases.SnapshotAsync(Id, report, GrainFactory, categories, time), "reported", report.ReportedBy, null);

        // A new case waits for staff, who come minutes or hours later: holding its activation meanwhile only costs
        // memory (at intake rates, gigabytes), so it is released now and read back from storage when next touched.
        this.DeactivateOnIdle();
        return Case;
    }

    // The most frequent call of all (every case read): once the state is loaded it answers without an async frame.
    Task<CaseSnapshot?> ICaseGrain.GetAsync() =>
        _ready is { IsCompletedSuccessfully: true } && state.State.Current is { } current
            ? Task.FromResult<CaseSnapshot?>(current)
            : GetLoadedAsync();

    private async Task<CaseSnapshot?> GetLoadedAsync() => (await LoadAsync()).Current;

    async Task<CaseHistory?> ICaseGrain.GetHistoryAsync()
    {
        var loaded = await LoadAsync();
        return loaded.Current is { } current ? new CaseHistory(current, loaded.History) : null;
    }

    async Task<CaseSnapshot> ICaseGrain.ActAsync(CaseAction action, long? expectedVersion)
    {
        await LoadAsync();
        var current = Case;
        // The caller the call carries, verified by the tenancy filter; a grain acting on its own carries none.
        if (CallerContext.Current() is var (caller, _) && !CaseVisibility.Sees(caller, current))
        {
            throw DomainException.NotFound($"Case {Id} does not exist.");
        }

        if (current.MergedInto is { } mergedInto)
        {
            throw MergedRefusal(current, mergedInto);
        }

        if (expectedVersion is { } expected && expected != current.Version)
        {
            throw DomainException.Stale(expected, current.Version);
        }

        if (!CaseStates.Allowed(current.State).Contains(action.Kind))
        {
            throw RefusedIn(current, action.Kind);
        }

        var now = time.GetUtcNow();
        var (next, type) = action.Kind switch
        {
            CaseActionKind.File => (current with { State = CaseState.Filed, FiledAt = now }, "filed"),
            CaseActionKind.Reject => (WithEvidence(Rejected(current, action) with { ClosedAt = now }, "rejected", action, now), "rejected"),
            CaseActionKind.Dispatch => (await CoAssignPoliceAsync(await DispatchAsync(current, action, now)), "dispatched"),
            CaseActionKind.Accept => (current with { State = CaseState.InProgress, AcceptedAt = now }, "accepted"),
            CaseActionKind.Return => (current with { State = CaseState.Filed, Assignee = null, DispatchedAt = null, Deadline = null, RespondBy = null, AcceptedAt = null, Warned = false, Overdue = false }, "returned"),
            CaseActionKind.Resolve => (WithEvidence(current with { State = CaseState.Resolved }, "resolved", action, now), "resolved"),
            CaseActionKind.Verify => (current with { State = CaseState.Closed, ClosedAt = now }, "verified"),
            CaseActionKind.Rework => (current with { State = CaseState.Dispatched, Reworks = current.Reworks + 1 }, "reworked"),
            CaseActionKind.Evaluate => (Evaluate(current, action) with { EvaluatedAt = now }, "evaluated"),
            CaseActionKind.RequestExtension => (RequestExtension(current, action), "extension-requested"),
            CaseActionKind.ApproveExtension => (ApproveExtension(current), "extension-approved"),
            CaseActionKind.Escalate => (Escalate(current, now), "escalated"),
            CaseActionKind.Merge => (await MergeAsync(current, action), "merged"),
            CaseActionKind.DenyExtension => (DenyExtension(current, action), "extension-denied"),
            _ => throw RefusedIn(current, action.Kind),
        };

        await CommitAsync(next, type, action.Actor, EventNote(action), type == "escalated" ? await SupervisorsAsync(next) : null);
        await TellCameraAsync(Case, type);
        if (next.State == CaseState.Closed)
        {
            metrics.Closed(Id);
        }

        await ScheduleDeadlineAsync();
        return Case;
    }

    async Task ICaseGrain.RepublishAsync()
    {
        var loaded = await LoadAsync();
        if (loaded.History.Count > 0)
        {
            var last = loaded.History[^1];
            await NewCases.StreamOf(this.GetStreamProvider(ProviderNames.Streams), last.GridCode).OnNextBatchAsync([last]);
        }
    }

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if ((await LoadAsync()).Current is not { } current || reminderName != DeadlineReminder)
        {
            return;
        }

        var now = time.GetUtcNow();
        if (CaseStates.IsOpen(current.State) && current is { Deadline: { } deadline, DispatchedAt: { } dispatchedAt })
        {
            if (!current.Warned && now >= WarnAt(dispatchedAt, deadline))
            {
                await CommitAsync(current with { Warned = true }, "warned", "system", "80 % of the time limit has passed (督办).");
                current = Case;
            }

            if (!current.Overdue && now >= deadline)
            {
                var overdue = current with { Overdue = true };
                var escalated = overdue.HandledAt > TerritoryLevel.District ? Escalate(overdue, now) : overdue;
                await CommitAsync(escalated, "overdue", "system", $"The time limit passed; handled at the {TerritoryCode.Describe(escalated.HandledAt)} level now.",
                    escalated.HandledAt != current.HandledAt ? await SupervisorsAsync(escalated) : null);
                metrics.Overdue(Id);
            }
        }

        await ScheduleDeadlineAsync();
    }

    /// <summary>Keeps one reminder at the next checkpoint (warning, then deadline) of an open case; none otherwise.</summary>
    private async Task ScheduleDeadlineAsync()
    {
        var current = Case;
        DateTimeOffset? next = null;
        if (CaseStates.IsOpen(current.State) && current is { Deadline: { } deadline, DispatchedAt: { } dispatchedAt })
        {
            next = !current.Warned ? WarnAt(dispatchedAt, deadline) : !current.Overdue ? deadline : null;
        }

        if (next is { } at)
        {
            var due = at - time.GetUtcNow();
            // Orleans skips the ticks a reminder missed while its silos were down and waits for the next period, so
            // the period is the shortest allowed: after a full restart a missed checkpoint is caught up within a minute.
            await this.RegisterOrUpdateReminder(DeadlineReminder, due < TimeSpan.Zero ? TimeSpan.Zero : due, TimeSpan.FromMinutes(1));
        }
        else if (await this.GetReminder(DeadlineReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static DateTimeOffset WarnAt(DateTimeOffset dispatchedAt, DateTimeOffset deadline) =>
        dispatchedAt + (deadline - dispatchedAt) * WarningShare;

    private static CaseSnapshot Evaluate(CaseSnapshot current, CaseAction action)
    {
        if (action.Satisfaction is not (>= 1 and <= 5))
        {
            throw DomainException.Invalid("satisfaction", "satisfaction is from 1 to 5.");
        }

        if (action.Resolved is null)
        {
            throw DomainException.Invalid("resolved", "resolved (true or false) is required.");
        }

        return current with { State = CaseState.Evaluated, Satisfaction = action.Satisfaction, ResolvedAsReported = action.Resolved, EvaluationComment = action.Comment };
    }

    private static CaseSnapshot RequestExtension(CaseSnapshot current, CaseAction action)
    {
        var reason = RequireReason(action);
        if (action.Extension is not { } extension || extension <= TimeSpan.Zero || extension > TimeSpan.FromDays(60))
        {
            throw DomainException.Invalid("hours", "An extension of 1 hour to 60 days is required.");
        }

        if (current.ExtensionRequested is not null)
        {
            throw DomainException.Conflict("An extension is already waiting for approval.");
        }

        return current with { ExtensionRequested = extension, ExtensionReason = reason };
    }

    private static CaseSnapshot ApproveExtension(CaseSnapshot current)
    {
        if (current.ExtensionRequested is not { } extension || current.Deadline is not { } deadline)
        {
            throw DomainException.Conflict("No extension is waiting for approval.");
        }

        return current with
        {
            Deadline = deadline + extension,
            ExtensionRequested = null,
            ExtensionReason = null,
            Extensions = current.Extensions + 1,
            Overdue = false,
        };
    }

    private static DomainException RefusedIn(CaseSnapshot current, CaseActionKind kind)
    {
        var allowed = CaseStates.Allowed(current.State);
        return new DomainException(
            DomainErrorKind.Conflict,
            $"A case in state {current.State} cannot '{CaseActions.Name(kind)}'. Allowed now: {(allowed.Count == 0 ? "nothing" : string.Join(", ", allowed.Select(CaseActions.Name)))}.",
            "state");
    }

    /// <summary>Appends the event to history and outbox, writes once, then publishes the outbox.</summary>
    private async Task CommitAsync(CaseSnapshot next, string type, string actor, string? note, IReadOnlyList<CaseSupervisor>? supervisors = null)
    {
        state.State.Append(next, type, actor, note, time.GetUtcNow(), supervisors);
        await state.WriteStateAsync();
        await PublishOutboxAsync();
    }

    private async Task PublishOutboxAsync()
    {
        await NewCases.StreamOf(this.GetStreamProvider(ProviderNames.Streams), Case.GridCode).OnNextBatchAsync(state.State.UnpublishedEvents());
        state.State.Published();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId} could not republish its outbox on its first call after activating")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string caseId);
}
