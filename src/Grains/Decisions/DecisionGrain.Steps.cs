using GridGov.Contracts.Common;
using GridGov.Contracts.Decisions;

namespace GridGov.Grains.Decisions;

/// <summary>The steps, objections and completion of a decision: every refusal names its rule (docs/party.md).</summary>
internal sealed partial class DecisionGrain
{
    private const int MaxObjections = 500;
    private const int MaxText = 2000;

    /// <summary>How far ahead of this silo's clock a meeting's date may be (clocks of the callers differ a little).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    async Task<DecisionSnapshot> IDecisionGrain.RecordStepAsync(StepInput input, long? expectedVersion)
    {
        DecisionRules.CheckInput(input);
        var d = await ForChangeAsync(expectedVersion);
        var now = time.GetUtcNow();
        var steps = d.CurrentSteps;
        if (d.NextStep is not { } next)
        {
            throw new DecisionRuleException("step-order", $"Both disclosures of decision {Id} are recorded; what remains is to complete it.");
        }

        if (input.Step != next)
        {
            throw new DecisionRuleException("step-order", $"The next step of decision {Id} is {Name(next)}, not {Name(input.Step)}; no step may be skipped or repeated.");
        }

        if (!DecisionRules.IsDisclosure(input.Step) && input.Date > now + ClockSkew)
        {
            throw DomainException.Invalid("date", "A meeting is recorded once it has been held: its date is not in the future.");
        }

        if (steps.Count > 0 && steps[^1] is var previous && input.Date < (previous.End ?? previous.Date))
        {
            throw new DecisionRuleException("step-date-order", previous.End is { } end
                ? $"{Name(input.Step)} starts after the {Name(previous.Step)} ended ({end:O})."
                : $"{Name(input.Step)} is dated after the {Name(previous.Step)} ({previous.Date:O}).");
        }

        if (d.Objections.FirstOrDefault(o => o.Answer is null) is { } open)
        {
            throw new DecisionRuleException("objections-unanswered", $"Objection {open.Number} to decision {Id} is not answered yet; the next step waits until every objection is.");
        }

        if (input.Step == DecisionStep.ResultDisclosure && now < steps[^1].End)
        {
            throw new DecisionRuleException("resolution-disclosure-running", $"The resolution is disclosed until {steps[^1].End:O}; the result is disclosed after that.");
        }

        if (DecisionRules.IsDisclosure(input.Step))
        {
            if (input.End!.Value - input.Date < DecisionRules.MinimumDisclosure)
            {
                throw new DecisionRuleException("disclosure-too-short", $"A disclosure lasts at least {DecisionRules.MinimumDisclosure.TotalDays} days.");
            }

            var disclosure = Record(input, d.Round, passed: true, heldWithProposal: false, now);
            return await CommitAsync(d with { Steps = [.. d.Steps, disclosure] }, DecisionEvents.StepRecorded, input.Actor, Name(input.Step));
        }

        if (input.Together && await GrainFactory.GetGrain<IVillageGrain>(d.Village).GetAsync() is not { SecretaryIsChair: true })
        {
            throw new DecisionRuleException("joint-meeting-needs-secretary-chair", $"Steps 1 and 2 are held together only where the branch secretary is also the village chair; in village {d.Village} they are not the same person.");
        }

        DecisionRules.CheckQuorum(input);
        var carried = DecisionRules.Carried(input);
        var recorded = input.Together
            ? new[] { Record(input, d.Round, carried, true, now), Record(input with { Step = DecisionStep.Consultation }, d.Round, carried, true, now) }
            : [Record(input, d.Round, carried, false, now)];
        var after = d with { Steps = [.. d.Steps, .. recorded] };
        if (carried)
        {
            return await CommitAsync(after, DecisionEvents.StepRecorded, input.Actor, Name(input.Step));
        }

        var reason = input.Reason?.Trim() is { Length: > 0 } r ? r : $"the vote of the {Name(input.Step)} failed";
        return input.OnFailure == FailedVoteOutcome.ReturnToProposal
            ? await CommitAsync(after with { Round = d.Round + 1, ReturnedReason = reason }, DecisionEvents.Returned, input.Actor, reason)
            : await CommitAsync(after with { Status = DecisionStatus.Failed, ClosedAt = now }, DecisionEvents.Failed, input.Actor, reason);
    }

    async Task<DecisionSnapshot> IDecisionGrain.FileObjectionAsync(string text, string? name, string actor)
    {
        var body = Text(text, "text");
        var objector = name?.Trim() is { Length: > 0 } n ? n.Length <= 100 ? n : throw DomainException.Invalid("name", "name is at most 100 characters.") : null;
        var d = await ForChangeAsync(null);
        var now = time.GetUtcNow();
        if (d.CurrentSteps is not [.., { End: { } end } last] || now < last.Date || now >= end)
        {
            throw new DecisionRuleException("no-disclosure-running", $"Objections to decision {Id} are filed while one of its disclosures runs; none does now.");
        }

        if (d.Objections.Count >= MaxObjections)
        {
            throw new DecisionRuleException("objection-limit", $"Decision {Id} has {MaxObjections} objections, the most it takes.");
        }

        var objection = new Objection(d.Objections.Count + 1, last.Step, body, objector, actor, now, null, null, null);
        return await CommitAsync(d with { Objections = [.. d.Objections, objection] }, DecisionEvents.ObjectionFiled, actor, null);
    }

    async Task<DecisionSnapshot> IDecisionGrain.AnswerObjectionAsync(int number, string answer, string actor, long? expectedVersion)
    {
        var body = Text(answer, "answer");
        var d = await ForChangeAsync(expectedVersion);
        if (number < 1 || number > d.Objections.Count)
        {
            throw DomainException.NotFound($"Objection {number} of decision {Id} does not exist.");
        }

        if (d.Objections[number - 1].Answer is not null)
        {
            throw new DecisionRuleException("objection-answered", $"Objection {number} of decision {Id} is answered already.");
        }

        var answered = d.Objections.Select(o => o.Number == number ? o with { Answer = body, AnsweredBy = actor, AnsweredAt = time.GetUtcNow() } : o).ToArray();
        return await CommitAsync(d with { Objections = answered }, DecisionEvents.ObjectionAnswered, actor, null);
    }

    async Task<DecisionSnapshot> IDecisionGrain.CompleteAsync(string actor, long? expectedVersion)
    {
        var d = await ForChangeAsync(expectedVersion);
        var now = time.GetUtcNow();
        if (d.CurrentSteps is not [.., { Step: DecisionStep.ResultDisclosure, End: { } end }])
        {
            throw new DecisionRuleException("step-order", $"Decision {Id} is completed after its result is disclosed; its next step is {Name(d.NextStep!.Value)}.");
        }

        if (now < end)
        {
            throw new DecisionRuleException("result-disclosure-running", $"The result is disclosed until {end:O}; the decision is complete only after that.");
        }

        if (d.Objections.FirstOrDefault(o => o.Answer is null) is { } open)
        {
            throw new DecisionRuleException("objections-unanswered", $"Objection {open.Number} to decision {Id} is not answered yet.");
        }

        return await CommitAsync(d with { Status = DecisionStatus.Completed, ClosedAt = now }, DecisionEvents.Completed, actor, null);
    }

    private static StepRecord Record(StepInput s, int round, bool passed, bool heldWithProposal, DateTimeOffset now) => new(
        s.Step, s.Date, s.Due, s.Present, s.For, s.Against, s.Abstaining, s.Minutes?.Trim(), s.Attachments.ToArray(), s.End, passed,
        heldWithProposal, s.Actor, now, round);

    private static string Text(string? value, string field)
    {
        var text = value?.Trim() ?? "";
        return text.Length is 0 or > MaxText ? throw DomainException.Invalid(field, $"{field} is 1 to {MaxText} characters.") : text;
    }

    private static string Name(DecisionStep step) => DecisionSteps.Name(step);
}
