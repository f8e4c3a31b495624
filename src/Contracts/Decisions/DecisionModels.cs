namespace GridGov.Contracts.Decisions;

public enum DecisionKind
{
    Project,
    CollectiveFunds,
    Land,
    Other,
}

public enum DecisionOrigin
{
    MembersSuggestion,
    VillagersSuggestion,
    CadresProposal,
    HigherLevel,
}

/// <summary>The six steps of 四议两公开 (DOMAIN.md §6), in the order they must be taken.</summary>
public enum DecisionStep
{
    Proposal = 1,
    Consultation = 2,
    PartyAssembly = 3,
    VillagersAssembly = 4,
    ResolutionDisclosure = 5,
    ResultDisclosure = 6,
}

public enum DecisionStatus
{
    Open,
    Completed,
    Failed,
}

/// <summary>What a failed vote does: end the decision, or send it back to the proposal with a reason.</summary>
public enum FailedVoteOutcome
{
    Fail,
    ReturnToProposal,
}

[GenerateSerializer, Immutable, Alias("gridgov.new-decision")]
public sealed record NewDecision(
    [property: Id(0)] string Matter,
    [property: Id(1)] DecisionKind Kind,
    [property: Id(2)] decimal? Amount,
    [property: Id(3)] DecisionOrigin Origin,
    [property: Id(4)] string Actor);

/// <summary>
/// One step as the caller records it. Meetings (steps 1–4) carry attendance and votes; disclosures (5, 6) run from
/// <see cref="Date"/> to <see cref="End"/>. <see cref="Together"/> records steps 1 and 2 as one meeting.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.step-input")]
public sealed record StepInput(
    [property: Id(0)] DecisionStep Step,
    [property: Id(1)] DateTimeOffset Date,
    [property: Id(2)] int? Due,
    [property: Id(3)] int? Present,
    [property: Id(4)] int? For,
    [property: Id(5)] int? Against,
    [property: Id(6)] int? Abstaining,
    [property: Id(7)] string? Minutes,
    [property: Id(8)] IReadOnlyList<string> Attachments,
    [property: Id(9)] DateTimeOffset? End,
    [property: Id(10)] bool Together,
    [property: Id(11)] FailedVoteOutcome OnFailure,
    [property: Id(12)] string? Reason,
    [property: Id(13)] string Actor);

/// <summary>A recorded step of the current round; <see cref="Passed"/> is false only for the vote that ended a round.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.decision-step")]
public sealed record StepRecord(
    [property: Id(0)] DecisionStep Step,
    [property: Id(1)] DateTimeOffset Date,
    [property: Id(2)] int? Due,
    [property: Id(3)] int? Present,
    [property: Id(4)] int? For,
    [property: Id(5)] int? Against,
    [property: Id(6)] int? Abstaining,
    [property: Id(7)] string? Minutes,
    [property: Id(8)] IReadOnlyList<string> Attachments,
    [property: Id(9)] DateTimeOffset? End,
    [property: Id(10)] bool Passed,
    [property: Id(11)] bool HeldWithProposal,
    [property: Id(12)] string RecordedBy,
    [property: Id(13)] DateTimeOffset RecordedAt,
    [property: Id(14)] int Round);

/// <summary>A resident's objection during a disclosure; the next step waits until it is answered.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.objection")]
public sealed record Objection(
    [property: Id(0)] int Number,
    [property: Id(1)] DecisionStep Step,
    [property: Id(2)] string Text,
    [property: Id(3)] string? Name,
    [property: Id(4)] string FiledBy,
    [property: Id(5)] DateTimeOffset FiledAt,
    [property: Id(6)] string? Answer,
    [property: Id(7)] string? AnsweredBy,
    [property: Id(8)] DateTimeOffset? AnsweredAt);

/// <summary>
/// A village decision as it stands. <see cref="Steps"/> holds every round's steps; a failed vote that sent the
/// decision back to the proposal starts a new round (<see cref="Round"/>) and leaves <see cref="ReturnedReason"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.decision")]
public sealed record DecisionSnapshot(
    [property: Id(0)] string Id,
    [property: Id(1)] string Village,
    [property: Id(2)] string Matter,
    [property: Id(3)] DecisionKind Kind,
    [property: Id(4)] decimal? Amount,
    [property: Id(5)] DecisionOrigin Origin,
    [property: Id(6)] DecisionStatus Status,
    [property: Id(7)] int Round,
    [property: Id(8)] IReadOnlyList<StepRecord> Steps,
    [property: Id(9)] IReadOnlyList<Objection> Objections,
    [property: Id(10)] string? ReturnedReason,
    [property: Id(11)] DateTimeOffset CreatedAt,
    [property: Id(12)] string CreatedBy,
    [property: Id(13)] DateTimeOffset? ClosedAt,
    [property: Id(14)] long Version)
{
    /// <summary>The step that may be recorded next (none once the decision is closed or both disclosures are in).</summary>
    public DecisionStep? NextStep => Status != DecisionStatus.Open || CurrentSteps.Count == 6
        ? null
        : (DecisionStep)(CurrentSteps.Count + 1);

    /// <summary>The steps of the current round, in order.</summary>
    public IReadOnlyList<StepRecord> CurrentSteps => Steps.Where(s => s.Round == Round).ToArray();

    /// <summary>Whether a resolution has been disclosed: the decision then shows on the public board.</summary>
    public bool Disclosed => Steps.Any(s => s.Step == DecisionStep.ResolutionDisclosure);
}

/// <summary>One transition of a decision: numbered per decision (<c>Version</c> 1, 2, 3…), with the decision after it.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.decision-event")]
public sealed record DecisionEvent(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] string DecisionId,
    [property: Id(2)] long Version,
    [property: Id(3)] string Type,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string Actor,
    [property: Id(6)] string? Note,
    [property: Id(7)] DecisionSnapshot Decision);

[GenerateSerializer, Immutable, Alias("gridgov.decision-history")]
public sealed record DecisionHistory(
    [property: Id(0)] DecisionSnapshot Decision,
    [property: Id(1)] IReadOnlyList<DecisionEvent> Events);

/// <summary>The names of decision events on the live feeds and webhooks (docs/party.md).</summary>
public static class DecisionEvents
{
    public const string Prefix = "decision.";
    public const string All = "decision.*";
    public const string Created = "decision.created";
    public const string StepRecorded = "decision.step-recorded";
    public const string Returned = "decision.returned";
    public const string ObjectionFiled = "decision.objection-filed";
    public const string ObjectionAnswered = "decision.objection-answered";
    public const string Completed = "decision.completed";
    public const string Failed = "decision.failed";

    public static readonly IReadOnlyList<string> Types = [Created, StepRecorded, Returned, ObjectionFiled, ObjectionAnswered, Completed, Failed];
}

/// <summary>The steps as the API's URLs spell them.</summary>
public static class DecisionSteps
{
    private static readonly string[] Names =
        ["proposal", "consultation", "party-assembly", "villagers-assembly", "resolution-disclosure", "result-disclosure"];

    public static IReadOnlyList<string> All => Names;

    public static string Name(DecisionStep step) => Names[(int)step - 1];

    public static DecisionStep? Parse(string name) =>
        Array.IndexOf(Names, name) is var i and >= 0 ? (DecisionStep)(i + 1) : null;
}
