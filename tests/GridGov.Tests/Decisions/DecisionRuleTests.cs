using GridGov.Contracts.Common;
using GridGov.Contracts.Decisions;
using GridGov.Contracts.Territory;
using GridGov.Tests.Cases;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Decisions;

/// <summary>
/// The rules of 四议两公开 as the decision's grain enforces them, on a fake clock (disclosures last days): quorum and
/// majority at their edges, order, the joint meeting, failed votes, disclosures, objections, completion.
/// </summary>
public sealed class DecisionRuleTests(FakeTimeClusterFixture fixture) : IClassFixture<FakeTimeClusterFixture>
{
    private IGrainFactory Grains => fixture.Cluster.Client;

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    /// <summary>Not async, so the caller it enters stays with the calling test.</summary>
    private Task<IDecisionGrain> OpenAsync(bool secretaryIsChair = false)
    {
        TestCallers.EnterOperator();
        return OpenCoreAsync(secretaryIsChair);
    }

    private async Task<IDecisionGrain> OpenCoreAsync(bool secretaryIsChair)
    {
        var d = Fresh.District();
        var village = $"{d}001001";
        foreach (var code in new[] { d, $"{d}001", village })
        {
            await Grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert(code, null, []), null, false);
        }

        await Grains.GetGrain<IVillageGrain>(village).PutAsync(new VillageUpsert("Village", [new CommitteeMember("Chair", CommitteePost.Chair)], secretaryIsChair, []), null);
        var decision = await Grains.GetGrain<IVillageGrain>(village).OpenDecisionAsync(new NewDecision("Repair the pond", DecisionKind.Project, 50_000, DecisionOrigin.MembersSuggestion, "test"));
        return Grains.GetGrain<IDecisionGrain>(decision.Id);
    }

    private StepInput Meeting(DecisionStep step, int due, int present, int @for, int against = 0, int abstaining = 0, bool together = false,
        FailedVoteOutcome onFailure = FailedVoteOutcome.Fail, string? reason = null, DateTimeOffset? date = null) =>
        new(step, date ?? Now.AddMinutes(-(7 - (int)step)), due, present, @for, against, abstaining, "minutes", [], null, together, onFailure, reason, "test");

    private StepInput Disclosure(DecisionStep step, DateTimeOffset start, TimeSpan length) =>
        new(step, start, null, null, null, null, null, "notice", [], start + length, false, FailedVoteOutcome.Fail, null, "test");

    /// <summary>Steps 1 and 2 (and 3, 4 when asked) passed, for a test that starts further on.</summary>
    private Task<IDecisionGrain> ThroughAsync(DecisionStep last)
    {
        TestCallers.EnterOperator();
        return ThroughCoreAsync(last);
    }

    private async Task<IDecisionGrain> ThroughCoreAsync(DecisionStep last)
    {
        var grain = await OpenCoreAsync(false);
        for (var step = DecisionStep.Proposal; step <= last; step++)
        {
            await grain.RecordStepAsync(step switch
            {
                DecisionStep.ResolutionDisclosure => Disclosure(step, Now, TimeSpan.FromDays(7)),
                _ => Meeting(step, 10, 10, 10),
            }, null);
        }

        return grain;
    }

    private static async Task<string> RefusedAsync(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<DecisionRuleException>(call);
        return e.Rule;
    }

    [Fact]
    public async Task The_Party_members_assembly_needs_two_thirds_present_and_more_than_half_of_all_members_for()
    {
        var grain = await ThroughAsync(DecisionStep.Consultation);
        Assert.Equal("party-assembly-quorum", await RefusedAsync(() => grain.RecordStepAsync(Meeting(DecisionStep.PartyAssembly, 9, 5, 5), null)));

        // Exactly 2/3 present is a quorum; 5 of 9 members in favour is more than half of all.
        var passed = await grain.RecordStepAsync(Meeting(DecisionStep.PartyAssembly, 9, 6, 5), null);
        Assert.Equal(DecisionStep.VillagersAssembly, passed.NextStep);

        // 5 for of 7 present is a majority of those present but exactly half of the 10 members: the vote fails.
        var other = await ThroughAsync(DecisionStep.Consultation);
        var failed = await other.RecordStepAsync(Meeting(DecisionStep.PartyAssembly, 10, 7, 5, against: 2), null);
        Assert.Equal(DecisionStatus.Failed, failed.Status);
        Assert.False(failed.Steps[^1].Passed);
        Assert.Equal("decision-closed", await RefusedAsync(() => other.RecordStepAsync(Meeting(DecisionStep.VillagersAssembly, 10, 10, 10), null)));
    }

    [Fact]
    public async Task The_villagers_assembly_needs_more_than_half_present_and_more_than_half_of_those_present_for()
    {
        var grain = await ThroughAsync(DecisionStep.PartyAssembly);
        Assert.Equal("villagers-assembly-quorum", await RefusedAsync(() => grain.RecordStepAsync(Meeting(DecisionStep.VillagersAssembly, 10, 5, 5), null)));

        // Exactly half of those present in favour fails; here the caller sends it back to the proposal with the reason.
        var returned = await grain.RecordStepAsync(
            Meeting(DecisionStep.VillagersAssembly, 10, 6, 3, against: 3, onFailure: FailedVoteOutcome.ReturnToProposal, reason: "cost too high"), null);
        Assert.Equal((DecisionStatus.Open, 2, DecisionStep.Proposal, "cost too high"), (returned.Status, returned.Round, returned.NextStep, returned.ReturnedReason));
        Assert.Equal(4, returned.Steps.Count);

        var again = await ThroughAsync(DecisionStep.PartyAssembly);
        var carried = await again.RecordStepAsync(Meeting(DecisionStep.VillagersAssembly, 10, 6, 4, against: 2), null);
        Assert.Equal(DecisionStep.ResolutionDisclosure, carried.NextStep);
    }

    [Fact]
    public async Task Steps_are_taken_in_order_each_dated_after_the_one_before()
    {
        var grain = await OpenAsync();
        Assert.Equal("step-order", await RefusedAsync(() => grain.RecordStepAsync(Meeting(DecisionStep.Consultation, 5, 5, 5), null)));
        Assert.Equal("step-order", await RefusedAsync(() => grain.RecordStepAsync(Meeting(DecisionStep.PartyAssembly, 5, 5, 5), null)));
        Assert.Equal("step-order", await RefusedAsync(() => grain.RecordStepAsync(Disclosure(DecisionStep.ResolutionDisclosure, Now, TimeSpan.FromDays(7)), null)));
        Assert.Equal("step-order", await RefusedAsync(() => grain.CompleteAsync("test", null)));

        await grain.RecordStepAsync(Meeting(DecisionStep.Proposal, 5, 5, 5, date: Now.AddDays(-1)), null);
        Assert.Equal("step-order", await RefusedAsync(() => grain.RecordStepAsync(Meeting(DecisionStep.Proposal, 5, 5, 5), null)));
        Assert.Equal("step-date-order", await RefusedAsync(() => grain.RecordStepAsync(Meeting(DecisionStep.Consultation, 5, 5, 5, date: Now.AddDays(-2)), null)));

        var e = await Assert.ThrowsAsync<DomainException>(() => grain.RecordStepAsync(Meeting(DecisionStep.Consultation, 5, 5, 4, against: 1, abstaining: 1), null));
        Assert.Equal((DomainErrorKind.Validation, "for"), (e.Kind, e.Field));
        var stale = await Assert.ThrowsAsync<DomainException>(() => grain.RecordStepAsync(Meeting(DecisionStep.Consultation, 5, 5, 5), 99));
        Assert.Equal(DomainErrorKind.PreconditionFailed, stale.Kind);
    }

    [Fact]
    public async Task Steps_one_and_two_are_held_together_only_where_the_secretary_is_the_chair()
    {
        var apart = await OpenAsync(secretaryIsChair: false);
        Assert.Equal("joint-meeting-needs-secretary-chair",
            await RefusedAsync(() => apart.RecordStepAsync(Meeting(DecisionStep.Proposal, 5, 5, 5, together: true), null)));

        var together = await OpenAsync(secretaryIsChair: true);
        var after = await together.RecordStepAsync(Meeting(DecisionStep.Proposal, 5, 5, 5, together: true), null);
        Assert.Equal([DecisionStep.Proposal, DecisionStep.Consultation], after.Steps.Select(s => s.Step).ToArray());
        Assert.All(after.Steps, s => Assert.True(s.HeldWithProposal));
        Assert.Equal(DecisionStep.PartyAssembly, after.NextStep);
    }

    [Fact]
    public async Task A_disclosure_lasts_seven_days_objections_block_the_next_step_and_completion_waits_for_the_result_disclosure_to_end()
    {
        var grain = await ThroughAsync(DecisionStep.VillagersAssembly);
        Assert.Equal("disclosure-too-short",
            await RefusedAsync(() => grain.RecordStepAsync(Disclosure(DecisionStep.ResolutionDisclosure, Now, TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1)), null)));
        var start = Now;
        await grain.RecordStepAsync(Disclosure(DecisionStep.ResolutionDisclosure, start, TimeSpan.FromDays(7)), null);

        var objected = await grain.FileObjectionAsync("The pond is not ours to repair", "A resident", "app-1");
        Assert.Equal(1, Assert.Single(objected.Objections).Number);

        fixture.Clock.Advance(TimeSpan.FromDays(7));
        Assert.Equal("no-disclosure-running", await RefusedAsync(() => grain.FileObjectionAsync("Too late", null, "app-1")));
        var result = Disclosure(DecisionStep.ResultDisclosure, Now, TimeSpan.FromDays(7));
        Assert.Equal("objections-unanswered", await RefusedAsync(() => grain.RecordStepAsync(result, null)));
        await grain.AnswerObjectionAsync(1, "It is the collective's pond.", "test", null);
        Assert.Equal("objection-answered", await RefusedAsync(() => grain.AnswerObjectionAsync(1, "Again", "test", null)));
        await grain.RecordStepAsync(result, null);

        fixture.Clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        Assert.Equal("result-disclosure-running", await RefusedAsync(() => grain.CompleteAsync("test", null)));
        fixture.Clock.Advance(TimeSpan.FromSeconds(1));
        var completed = await grain.CompleteAsync("test", null);
        Assert.Equal(DecisionStatus.Completed, completed.Status);

        var history = await grain.GetHistoryAsync();
        Assert.Equal(DecisionEvents.Completed, history!.Events[^1].Type);
        Assert.Equal(Enumerable.Range(1, history.Events.Count).Select(v => (long)v), history.Events.Select(e => e.Version));
    }

    [Fact]
    public async Task The_result_disclosure_starts_only_after_the_resolution_disclosure_has_ended()
    {
        var grain = await ThroughAsync(DecisionStep.ResolutionDisclosure);
        Assert.Equal("resolution-disclosure-running",
            await RefusedAsync(() => grain.RecordStepAsync(Disclosure(DecisionStep.ResultDisclosure, Now.AddDays(7), TimeSpan.FromDays(7)), null)));
    }
}
