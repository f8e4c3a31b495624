using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Territory;
using Microsoft.Extensions.Logging;

namespace GridGov.Grains.Territory;

[GenerateSerializer, Alias("gridgov.retirement-state")]
internal sealed class RetirementState
{
    [Id(0)] public RetirementStatus? Status { get; set; }

    /// <summary>The last household id moved: the next page of the node's households starts after it.</summary>
    [Id(1)] public string? HouseholdCursor { get; set; }
}

/// <summary>
/// Retires one territory node. The decision (successor, actor) is written first with a reminder armed, then the node
/// is marked retired (the index drops it, so locate stops answering it before anything moves), then its open cases
/// move, each to the grid that holds its point now or else to the successor, then its households, page by page, to the
/// successor. Every step is idempotent (a case or household already moved refuses to move again), and the counts and
/// the household cursor are written after each step, so a retirement cut off by a crash is finished by the reminder
/// without moving anything twice.
/// </summary>
internal sealed partial class RetirementGrain(
    [PersistentState("retirement", ProviderNames.MainStorage)] IPersistentState<RetirementState> state,
    IPeopleReadModel people,
    TimeProvider time,
    ILogger<RetirementGrain> logger) : Grain, IRetirementGrain, IRemindable
{
    private const string Reminder = "retire";
    private const int HouseholdPage = 200;
    private const string Reason = "retired";

    private Task? _running;

    private string Code => this.GetPrimaryKeyString();

    async Task<RetirementStatus> IRetirementGrain.StartAsync(string? successor, string actor)
    {
        successor = string.IsNullOrWhiteSpace(successor) ? null : successor.Trim();
        if (state.State.Status is { } started)
        {
            if (started.Successor != successor)
            {
                throw DomainException.Conflict($"Territory {Code} is already retired with successor {started.Successor ?? "none"}.", "successor");
            }

            Run();
            return started;
        }

        var node = await GrainFactory.GetGrain<ITerritoryGrain>(Code).GetAsync() ?? throw DomainException.NotFound($"Territory {Code} does not exist.");
        if (node.Level == TerritoryLevel.District)
        {
            throw DomainException.Invalid("code", "A district is not retired; retire its streets, communities and grids.");
        }

        if (node.Retired)
        {
            throw DomainException.Conflict($"Territory {Code} is already retired.", "code");
        }

        await RequireChildrenRetiredAsync();
        if (successor is not null)
        {
            await ValidateSuccessorAsync(node, successor);
        }
        else if (await HasOpenCasesAsync() || await HasHouseholdsAsync())
        {
            throw DomainException.Invalid("successor", $"Territory {Code} has open cases or households: name a successor {TerritoryCode.Describe(node.Level)} to move them to.");
        }

        await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        state.State.Status = new RetirementStatus(Code, successor, RetirementPhase.Moving, 0, 0, time.GetUtcNow(), null, actor);
        await state.WriteStateAsync();

        // Marked before answering, so the answer and every locate after it see the node retired.
        await GrainFactory.GetGrain<ITerritoryGrain>(Code).MarkRetiredAsync(successor);
        Run();
        return state.State.Status;
    }

    Task<RetirementStatus?> IRetirementGrain.GetAsync() => Task.FromResult(state.State.Status);

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        Run();
        return _running ?? Task.CompletedTask;
    }

    /// <summary>Starts the moves unless they are running or done; they go on after the call that started them answers.</summary>
    private void Run()
    {
        if (_running is null || _running.IsCompleted)
        {
            _running = RunAsync();
        }
    }

    private async Task RunAsync()
    {
        // The moves are the grain's own work, whoever asked: the caller's context does not travel with them.
        RequestContext.Clear();
        try
        {
            if (state.State.Status is not { Phase: RetirementPhase.Moving } status)
            {
                await DisarmAsync();
                return;
            }

            await GrainFactory.GetGrain<ITerritoryGrain>(Code).MarkRetiredAsync(status.Successor);
            await MoveCasesAsync();
            await MoveHouseholdsAsync();
            state.State.Status = state.State.Status! with { Phase = RetirementPhase.Done, FinishedAt = time.GetUtcNow() };
            await state.WriteStateAsync();
            await DisarmAsync();
            LogRetired(logger, Code, state.State.Status.CasesMoved, state.State.Status.HouseholdsMoved);
        }
        catch (Exception e)
        {
            // The reminder tries again within a minute.
            LogRetirementFailed(logger, e, Code);
        }
    }

    private async Task MoveCasesAsync()
    {
        var status = state.State.Status!;
        var open = (await GrainFactory.GetGrain<IGridCasesGrain>(Code).GetAsync()).Open;
        foreach (var c in open)
        {
            var to = await TargetAsync(c.Lat, c.Lon, status.Successor);
            if (to is null || !await GrainFactory.GetGrain<ICaseGrain>(c.Id).MoveAsync(Code, to, Reason, status.Actor))
            {
                continue;
            }

            status = status with { CasesMoved = status.CasesMoved + 1 };
            state.State.Status = status;
            await state.WriteStateAsync();
        }
    }

    private async Task MoveHouseholdsAsync()
    {
        if (state.State.Status!.Successor is not { } successor)
        {
            return;
        }

        while (true)
        {
            var page = await HouseholdsAsync(state.State.HouseholdCursor, HouseholdPage);
            if (page.Count == 0)
            {
                return;
            }

            var moved = 0;
            foreach (var household in page)
            {
                moved += await GrainFactory.GetGrain<IHouseholdGrain>(household).MoveGridAsync(Code, successor, Reason, state.State.Status.Actor) ? 1 : 0;
            }

            state.State.HouseholdCursor = page[^1];
            state.State.Status = state.State.Status with { HouseholdsMoved = state.State.Status.HouseholdsMoved + moved };
            await state.WriteStateAsync();
        }
    }

    /// <summary>
    /// Where a case goes: the grid of the district that holds its point now (the retired node is out of the index),
    /// else the successor; for a node that is not a grid, or a point outside every grid, the successor.
    /// </summary>
    private async Task<string?> TargetAsync(double? lat, double? lon, string? successor)
    {
        if (lat is { } la && lon is { } lo && TerritoryCode.LevelOf(Code) == TerritoryLevel.Grid)
        {
            var located = await GrainFactory.GetGrain<ILocatorGrain>(0).LocateAsync(la, lo, DistrictCode.Of(Code));
            if (located.Grid is { } grid && grid.Code != Code)
            {
                return grid.Code;
            }
        }

        return successor;
    }

    /// <summary>One page of the ids of the households on this node (a micro-grid's from its grid's, filtered).</summary>
    private async Task<IReadOnlyList<string>> HouseholdsAsync(string? after, int limit)
    {
        var micro = TerritoryCode.LevelOf(Code) == TerritoryLevel.MicroGrid;
        var ids = new List<string>();
        while (true)
        {
            var page = await people.ListHouseholdsAsync(Code, null, after, limit, CancellationToken.None);
            ids.AddRange(page.Where(h => !micro || h.Address.MicroGridCode == Code).Select(h => h.Id));
            if (ids.Count > 0 || page.Count < limit)
            {
                return ids;
            }

            after = page[^1].Id;
        }
    }

    private async Task<bool> HasOpenCasesAsync() => (await GrainFactory.GetGrain<IGridCasesGrain>(Code).GetAsync()).Open.Count > 0;

    private async Task<bool> HasHouseholdsAsync() => (await HouseholdsAsync(null, HouseholdPage)).Count > 0;

    private async Task RequireChildrenRetiredAsync()
    {
        var children = await GrainFactory.GetGrain<ITerritoryGrain>(Code).GetChildrenAsync() ?? [];
        foreach (var child in children)
        {
            if (await GrainFactory.GetGrain<ITerritoryGrain>(child.Code).GetAsync() is { Retired: false })
            {
                throw DomainException.Conflict($"Territory {Code} has child {child.Code} that is not retired; retire or delete its children first.", "code");
            }
        }
    }

    private async Task ValidateSuccessorAsync(TerritorySnapshot node, string successor)
    {
        if (!TerritoryCode.IsValid(successor))
        {
            throw DomainException.Invalid("successor", $"'{successor}' is not {TerritoryCode.FormatDescription}.");
        }

        if (successor == Code)
        {
            throw DomainException.Invalid("successor", "A node is not its own successor.");
        }

        if (TerritoryCode.LevelOf(successor) != node.Level)
        {
            throw DomainException.Invalid("successor", $"The successor of a {TerritoryCode.Describe(node.Level)} is a {TerritoryCode.Describe(node.Level)}; {successor} is a {TerritoryCode.Describe(TerritoryCode.LevelOf(successor))}.");
        }

        if (DistrictCode.Of(successor) != DistrictCode.Of(Code))
        {
            throw DomainException.Invalid("successor", $"The successor must be in district {DistrictCode.Of(Code)}.");
        }

        var next = await GrainFactory.GetGrain<ITerritoryGrain>(successor).GetAsync();
        if (next is null || next.Retired)
        {
            throw DomainException.Invalid("successor", $"Territory {successor} does not exist or is retired.");
        }
    }

    private async Task DisarmAsync()
    {
        if (await this.GetReminder(Reminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Territory {Code} retired: {Cases} open case(s) and {Households} household(s) moved")]
    private static partial void LogRetired(ILogger logger, string code, int cases, int households);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The retirement of territory {Code} stopped; its reminder resumes it")]
    private static partial void LogRetirementFailed(ILogger logger, Exception exception, string code);
}
