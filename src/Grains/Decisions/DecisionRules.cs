using GridGov.Contracts.Common;
using GridGov.Contracts.Decisions;

namespace GridGov.Grains.Decisions;

/// <summary>
/// The arithmetic and the checks of 四议两公开 (DOMAIN.md §6). Bad input is a <see cref="DomainException"/> naming the
/// field (400); a rule of the procedure is a <see cref="DecisionRuleException"/> naming the rule (409).
/// </summary>
internal static class DecisionRules
{
    public static readonly TimeSpan MinimumDisclosure = TimeSpan.FromDays(7);
    private const int MaxMatter = 500;
    private const int MaxMinutes = 20_000;
    private const int MaxAttachments = 20;
    private const int MaxUrl = 2000;

    public static void CheckNew(NewDecision d)
    {
        var matter = d.Matter?.Trim() ?? "";
        if (matter.Length is 0 or > MaxMatter)
        {
            throw DomainException.Invalid("matter", $"matter is 1 to {MaxMatter} characters.");
        }

        if (!Enum.IsDefined(d.Kind))
        {
            throw DomainException.Invalid("kind", "kind is one of project, collectiveFunds, land, other.");
        }

        if (!Enum.IsDefined(d.Origin))
        {
            throw DomainException.Invalid("origin", "origin is one of membersSuggestion, villagersSuggestion, cadresProposal, higherLevel.");
        }

        if (d.Kind is DecisionKind.Project or DecisionKind.CollectiveFunds && d.Amount is null)
        {
            throw DomainException.Invalid("amount", "A project or a use of collective funds states its amount (yuan).");
        }

        if (d.Amount is < 0)
        {
            throw DomainException.Invalid("amount", "amount is not negative.");
        }
    }

    public static bool IsDisclosure(DecisionStep step) => step is DecisionStep.ResolutionDisclosure or DecisionStep.ResultDisclosure;

    /// <summary>The input's own consistency: counts that add up, a disclosure's period, minutes and attachments.</summary>
    public static void CheckInput(StepInput s)
    {
        if (!Enum.IsDefined(s.Step))
        {
            throw DomainException.Invalid("step", "step is one of proposal, consultation, partyAssembly, villagersAssembly, resolutionDisclosure, resultDisclosure.");
        }

        if (s.Minutes is { Length: > MaxMinutes })
        {
            throw DomainException.Invalid("minutes", $"minutes are at most {MaxMinutes} characters.");
        }

        HttpUrls.Check(s.Attachments, "attachments", MaxAttachments, MaxUrl, $"At most {MaxAttachments} attachments.", "An attachment is an absolute http(s) URL.");

        if (IsDisclosure(s.Step))
        {
            if (s.End is null)
            {
                throw DomainException.Invalid("end", "A disclosure has an end.");
            }

            if (s.Together || s.Due is not null || s.Present is not null || s.For is not null || s.Against is not null || s.Abstaining is not null)
            {
                throw DomainException.Invalid("step", "A disclosure has a period (date to end), no attendance, votes or joint meeting.");
            }

            return;
        }

        if (s.End is not null)
        {
            throw DomainException.Invalid("end", "Only a disclosure has an end.");
        }

        if (s.Together && s.Step != DecisionStep.Proposal)
        {
            throw DomainException.Invalid("together", "Steps 1 and 2 are held together by recording the proposal with together = true.");
        }

        if (s.Due is not { } due || due < 1)
        {
            throw DomainException.Invalid("due", "due (how many should attend) is at least 1.");
        }

        if (s.Present is not { } present || present < 0)
        {
            throw DomainException.Invalid("present", "present is a count of at least 0.");
        }

        if (present > due)
        {
            throw DomainException.Invalid("present", $"present ({present}) is more than due ({due}).");
        }

        foreach (var (field, value) in new[] { ("for", s.For), ("against", s.Against), ("abstaining", s.Abstaining) })
        {
            if (value is not >= 0)
            {
                throw DomainException.Invalid(field, $"{field} is a count of at least 0.");
            }
        }

        if (s.For!.Value + s.Against!.Value + s.Abstaining!.Value > present)
        {
            throw DomainException.Invalid("for", $"for + against + abstaining ({s.For + s.Against + s.Abstaining}) is more than present ({present}).");
        }

        if (s.OnFailure == FailedVoteOutcome.ReturnToProposal && string.IsNullOrWhiteSpace(s.Reason))
        {
            throw DomainException.Invalid("reason", "Sending a decision back to the proposal takes a reason.");
        }
    }

    /// <summary>
    /// The meeting's quorum, a 409 when it is not met (the meeting is not valid and must be held again): the Party
    /// members' assembly needs at least 2/3 of its members; the villagers' (representatives') assembly more than half.
    /// </summary>
    public static void CheckQuorum(StepInput s)
    {
        var (due, present) = (s.Due!.Value, s.Present!.Value);
        if (s.Step == DecisionStep.PartyAssembly && present * 3 < due * 2)
        {
            throw new DecisionRuleException("party-assembly-quorum", $"The Party members' assembly needs at least 2/3 of its {due} members present; {present} were.");
        }

        if (s.Step == DecisionStep.VillagersAssembly && present * 2 <= due)
        {
            throw new DecisionRuleException("villagers-assembly-quorum", $"The villagers' assembly needs more than half of its {due} members present; {present} were.");
        }
    }

    /// <summary>
    /// Whether the vote carried: the Party members' assembly by more than half of ALL its members (due); the villagers'
    /// assembly, and the committees of steps 1 and 2, by more than half of those present.
    /// </summary>
    public static bool Carried(StepInput s) => s.Step == DecisionStep.PartyAssembly
        ? s.For!.Value * 2 > s.Due!.Value
        : s.For!.Value * 2 > s.Present!.Value;
}
