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

    /// <summary>The case with every event of its history, in order; null when there is no case.</summary>
    [ReadOnly, Alias("case-history")]
    Task<CaseHistory?> GetHistoryAsync();

    /// <summary>
    /// Carries out an action; refused with a conflict naming the state and the allowed actions, and as not found when
    /// the call's caller (the signed one the call carries) may not see the case (<see cref="CaseVisibility"/>).
    /// </summary>
    [Alias("act")]
    Task<CaseSnapshot> ActAsync(CaseAction action, long? expectedVersion);

    /// <summary>
    /// Publishes the case's latest event again (consumers ignore what they have): the outbox sweep's repair for an
    /// event lost on its way to the grid's view.
    /// </summary>
    [Alias("republish")]
    Task RepublishAsync();

    /// <summary>
    /// Takes a duplicate merged into this case: records <c>merge-received</c> naming it and adds its reporters to the
    /// followers, once per duplicate (a retried merge changes nothing). Refused when this case is not open. Called by
    /// the duplicate's grain, which commits its own merge only after this answered.
    /// </summary>
    [Alias("accept-merge")]
    Task<CaseSnapshot> AcceptMergeAsync(string duplicateId, IReadOnlyList<CaseFollower> followers, string actor);

    /// <summary>
    /// Moves an open case from grid <paramref name="from"/> to grid <paramref name="to"/> (a re-gridding): a
    /// <c>moved</c> event, published on both grids' streams, so the old grid's view drops the case and the new one's
    /// takes it. True when it moved now; false when it is not open or not in <paramref name="from"/> (a repeated move
    /// publishes its <c>moved</c> event to the old grid again and changes nothing).
    /// </summary>
    [Alias("move")]
    Task<bool> MoveAsync(string from, string to, string reason, string actor);
}
