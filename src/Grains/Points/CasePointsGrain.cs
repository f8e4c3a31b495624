using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.People;
using GridGov.Contracts.Points;
using GridGov.Contracts.Territory;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace GridGov.Grains.Points;

/// <summary>
/// Pays a grid's case handlers from the grid's case events: a case verified (closed) by its deadline pays the
/// <see cref="PointTrigger.CaseClosedOnTime"/> rules, an evaluation of 4 or 5 (of 5: the indicators' "satisfied") the
/// <see cref="PointTrigger.CaseEvaluatedSatisfied"/> rules, to the Party member whose staff id is the case's assignee.
/// Keeps no state: the member's ledger pays each (rule, case) once, so an event delivered twice, or replayed, pays once.
/// </summary>
[ImplicitStreamSubscription(StreamNamespaces.CaseEvents)]
internal sealed partial class CasePointsGrain(PointRuleCache rules, ILogger<CasePointsGrain> logger) : Grain, ICasePointsGrain
{
    /// <summary>The lowest rating that counts as satisfied, as the satisfaction indicator counts it (DOMAIN.md §4).</summary>
    public const int Satisfied = 4;

    private int _applied;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(ProviderNames.Streams)
            .GetStream<CaseEvent>(StreamId.Create(StreamNamespaces.CaseEvents, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((e, _) => ApplyAsync(e));
    }

    Task<int> ICasePointsGrain.AppliedAsync() => Task.FromResult(_applied);

    /// <summary>The trigger and day an event pays for, if any.</summary>
    public static (PointTrigger Trigger, DateOnly Day)? Earns(CaseEvent e) => e switch
    {
        { Type: "verified", Case: { ClosedAt: { } closed, Deadline: { } deadline, Assignee: not null } } when closed <= deadline
            => (PointTrigger.CaseClosedOnTime, PointPeriods.DayOf(closed)),
        { Type: "evaluated", Case: { Satisfaction: >= Satisfied, Assignee: not null } c }
            => (PointTrigger.CaseEvaluatedSatisfied, PointPeriods.DayOf(c.EvaluatedAt ?? e.At)),
        _ => null,
    };

    private async Task ApplyAsync(CaseEvent e)
    {
        if (Earns(e) is not var (trigger, day))
        {
            return;
        }

        var district = DistrictCode.Of(e.CaseId);
        var staffId = e.Case.Assignee!;
        var memberId = await GrainFactory.GetGrain<IPointsStaffIndexGrain>(district).MemberOfAsync(staffId);
        if (memberId is null || (await GrainFactory.GetGrain<IPartyMemberGrain>(memberId).GetAsync())?.StaffId != staffId)
        {
            return; // the handler is no Party member (or no longer has this staff id)
        }

        var set = await rules.GetAsync(GrainFactory, district);
        foreach (var code in set.CodesOf(trigger).Where(c => set.InForce(c, day) is not null))
        {
            try
            {
                await GrainFactory.GetGrain<IPointsLedgerGrain>(memberId)
                    .GrantAsync(new PointGrant(code, trigger, $"case:{e.CaseId}", day, "system", null, e.GridCode));
            }
            catch (DomainException ex)
            {
                // A refusal is final (the rule does not apply to this member); anything else is retried by the stream.
                LogGrantRefused(logger, code, e.CaseId, memberId, ex.Message);
            }
        }

        _applied++;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rule {Rule} does not pay case {Case} to {Member}: {Reason}")]
    private static partial void LogGrantRefused(ILogger logger, string rule, string @case, string member, string reason);
}
