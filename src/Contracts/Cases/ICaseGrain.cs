using GridGov.Contracts.Security;
using Orleans.Concurrency;

namespace GridGov.Contracts.Cases;

/// <summary>One case, keyed <c>{district}-{yyyyMMdd}-{unique}</c>: its state machine, history, deadlines and outbox.</summary>
[Alias("gridgov.case")]
public interface ICaseGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates the case; a second call (a replayed intake) answers the case as it is.</summary>
    [Alias("report")]
    Task<CaseSnapshot> ReportAsync(NewCase report);

    [ReadOnly, Alias("get")]
    Task<CaseSnapshot?> GetAsync();

    [ReadOnly, Alias("history")]
    Task<IReadOnlyList<CaseEvent>?> GetHistoryAsync();

    /// <summary>Carries out an action; refused with a conflict naming the state and the allowed actions.</summary>
    [Alias("act")]
    Task<CaseSnapshot> ActAsync(CaseAction action, long? expectedVersion);

    /// <summary>
    /// Publishes the case's latest event again (consumers ignore what they have): the outbox sweep's repair for an
    /// event lost on its way to the grid's view.
    /// </summary>
    [Alias("republish")]
    Task RepublishAsync();
}

/// <summary>
/// Case reception (受理), keyed by district: creates a new case by writing its first state and publishing its first
/// event, without activating the case's own grain, which wakes when the case is next read or acted on. A stateless
/// worker, so reports are received on the silo they reach.
/// </summary>
[Alias("gridgov.case-reception")]
public interface ICaseReceptionGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>Creates the case <paramref name="caseId"/> (of this district); answers it as stored if it exists.</summary>
    [Alias("report")]
    Task<CaseSnapshot> ReportAsync(string caseId, NewCase report);
}

/// <summary>
/// Idempotent intake: keyed by <c>{district}-{caller}-{Idempotency-Key}</c>, remembers the case a request created, so
/// replays — also concurrent ones — answer the same case.
/// </summary>
[Alias("gridgov.intake")]
public interface IIntakeGrain : IGrainWithStringKey, ITenantGrain
{
    [Alias("report")]
    Task<CaseSnapshot> ReportAsync(NewCase report, string fingerprint);
}

/// <summary>An open case as the grid's view holds it.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.open-case")]
public sealed record OpenCase(
    [property: Id(0)] string Id,
    [property: Id(1)] CaseState State,
    [property: Id(2)] string Category,
    [property: Id(3)] double? Lat,
    [property: Id(4)] double? Lon,
    [property: Id(5)] DateTimeOffset ReportedAt,
    [property: Id(6)] string? Assignee,
    [property: Id(7)] DateTimeOffset? Deadline,
    [property: Id(8)] bool Overdue,
    [property: Id(9)] long Version);

[GenerateSerializer, Immutable, Alias("gridgov.grid-cases-view")]
public sealed record GridCasesView(
    [property: Id(0)] string GridCode,
    [property: Id(1)] IReadOnlyList<OpenCase> Open,
    [property: Id(2)] IReadOnlyDictionary<CaseState, int> ByState,
    [property: Id(3)] int Overdue);

/// <summary>
/// A grid's open cases and counters (keyed by grid code), fed by the case events on the grid's stream (implicit
/// subscription), idempotent by each case's version.
/// </summary>
[Alias("gridgov.grid-cases")]
public interface IGridCasesGrain : IGrainWithStringKey, ITenantGrain
{
    /// <summary>
    /// The grid's open cases and counts. Like the duplicate check it reads state that changes only between awaits, so it
    /// interleaves with everything, the timed read-model write included.
    /// </summary>
    [AlwaysInterleave, Alias("get")]
    Task<GridCasesView> GetAsync();

    /// <summary>
    /// An open case of the category within the distance that was reported within the window, if any. Every report with
    /// a location asks this before it is written, so it never waits behind the grid's read-model write or its events.
    /// </summary>
    [AlwaysInterleave, Alias("find-duplicate")]
    Task<string?> FindDuplicateAsync(string category, double lat, double lon, DateTimeOffset since, double metres);

    /// <summary>The tally of every case routed to this node, as a source of the node's <see cref="IIndicatorsGrain"/>.</summary>
    [AlwaysInterleave, Alias("tally-snapshot")]
    Task<TallyBatch> SnapshotAsync();

    [AlwaysInterleave, Alias("tally-position")]
    Task<TallyPosition> PositionAsync();

    /// <summary>Writes what is pending, then starts again from the read model (under a new epoch).</summary>
    [Alias("reload")]
    Task ReloadAsync();
}
