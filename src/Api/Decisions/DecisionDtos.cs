using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using GridGov.Contracts.Decisions;

namespace GridGov.Api.Decisions;

public sealed record CommitteeMemberRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: JsonRequired] CommitteePost Post);

public sealed record CadreRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    [property: JsonRequired] CadreRole Role,
    [property: Required, StringLength(200, MinimumLength = 1)] string SendingUnit,
    [property: JsonRequired] DateOnly From,
    DateOnly? To = null,
    [property: StringLength(64)] string? StaffId = null);

/// <summary>A village: its name, villagers' committee, whether the branch secretary is also the chair, cadres sent down.</summary>
public sealed record VillageRequest(
    [property: Required, StringLength(100, MinimumLength = 1)] string Name,
    IReadOnlyList<CommitteeMemberRequest>? Committee = null,
    bool SecretaryIsChair = false,
    IReadOnlyList<CadreRequest>? Cadres = null);

public sealed record VillageView(
    string Code, string Name, IReadOnlyList<CommitteeMember> Committee, bool SecretaryIsChair, IReadOnlyList<CadreSentDown> Cadres,
    int Decisions, long Version, DateTimeOffset UpdatedAt)
{
    public static VillageView From(VillageSnapshot v) =>
        new(v.Code, v.Name, v.Committee, v.SecretaryIsChair, v.Cadres, v.Decisions, v.Version, v.UpdatedAt);
}

/// <summary>A matter for the village to decide; amount (yuan) is required for a project or a use of collective funds.</summary>
public sealed record DecisionRequest(
    [property: Required, StringLength(500, MinimumLength = 1)] string Matter,
    [property: JsonRequired] DecisionKind Kind,
    [property: JsonRequired] DecisionOrigin Origin,
    [property: Range(0, 1_000_000_000_000)] decimal? Amount = null);

/// <summary>
/// One step. Meetings (proposal, consultation, party-assembly, villagers-assembly): date, due, present, for, against,
/// abstaining, minutes, attachments; together = true on the proposal holds the consultation in the same meeting; a
/// failed vote ends the decision (onFailure = fail) or sends it back to the proposal (returnToProposal, with a reason).
/// Disclosures (resolution-disclosure, result-disclosure): date (start), end (at least 7 days later), minutes (the notice).
/// </summary>
public sealed record StepRequest(
    [property: JsonRequired] DateTimeOffset Date,
    int? Due = null,
    int? Present = null,
    int? For = null,
    int? Against = null,
    int? Abstaining = null,
    [property: StringLength(20_000)] string? Minutes = null,
    IReadOnlyList<string>? Attachments = null,
    DateTimeOffset? End = null,
    bool Together = false,
    FailedVoteOutcome OnFailure = FailedVoteOutcome.Fail,
    [property: StringLength(2000)] string? Reason = null);

/// <summary>A resident's objection; the name is optional and is never shown on the public board or in events.</summary>
public sealed record ObjectionRequest(
    [property: Required, StringLength(2000, MinimumLength = 1)] string Text,
    [property: StringLength(100)] string? Name = null);

public sealed record AnswerRequest([property: Required, StringLength(2000, MinimumLength = 1)] string Answer);

public sealed record StepView(
    DecisionStep Step, string Name, int Round, DateTimeOffset Date, DateTimeOffset? End, int? Due, int? Present, int? For, int? Against,
    int? Abstaining, bool Passed, bool HeldWithProposal, string? Minutes, IReadOnlyList<string> Attachments, string RecordedBy, DateTimeOffset RecordedAt);

public sealed record ObjectionView(
    int Number, string Step, string Text, string? Name, string FiledBy, DateTimeOffset FiledAt, string? Answer, string? AnsweredBy, DateTimeOffset? AnsweredAt);

/// <summary>A decision for staff of its district: everything, minutes and objectors included.</summary>
public sealed record DecisionView(
    string Id, string Village, string Matter, DecisionKind Kind, decimal? Amount, DecisionOrigin Origin, DecisionStatus Status, int Round,
    string? NextStep, string? ReturnedReason, IReadOnlyList<StepView> Steps, IReadOnlyList<ObjectionView> Objections,
    DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ClosedAt, long Version)
{
    public static DecisionView From(DecisionSnapshot d) => new(
        d.Id, d.Village, d.Matter, d.Kind, d.Amount, d.Origin, d.Status, d.Round, d.NextStep is { } n ? DecisionSteps.Name(n) : null,
        d.ReturnedReason,
        d.Steps.Select(s => new StepView(
            s.Step, DecisionSteps.Name(s.Step), s.Round, s.Date, s.End, s.Due, s.Present, s.For, s.Against, s.Abstaining, s.Passed,
            s.HeldWithProposal, s.Minutes, s.Attachments, s.RecordedBy, s.RecordedAt)).ToArray(),
        d.Objections.Select(o => new ObjectionView(
            o.Number, DecisionSteps.Name(o.Step), o.Text, o.Name, o.FiledBy, o.FiledAt, o.Answer, o.AnsweredBy, o.AnsweredAt)).ToArray(),
        d.CreatedAt, d.CreatedBy, d.ClosedAt, d.Version);
}

public sealed record DecisionListView(IReadOnlyList<DecisionView> Items, string? NextCursor);

public sealed record DecisionEventView(long Version, string Type, DateTimeOffset At, string Actor, string? Note, DecisionStatus Status, string? NextStep);

public sealed record DecisionHistoryView(string Id, IReadOnlyList<DecisionEventView> Events);

/// <summary>A step on the public board: numbers, dates, attachments, a disclosure's notice; nobody's name.</summary>
public sealed record BoardStepView(
    string Step, int Round, DateTimeOffset Date, DateTimeOffset? End, int? Due, int? Present, int? For, int? Against, int? Abstaining,
    bool Passed, bool HeldWithProposal, string? Notice, IReadOnlyList<string> Attachments);

public sealed record BoardDecisionView(
    string Id, string Matter, DecisionKind Kind, decimal? Amount, DecisionOrigin Origin, DecisionStatus Status, string? NextStep,
    IReadOnlyList<BoardStepView> Steps, int Objections, int ObjectionsAnswered, DateTimeOffset? ClosedAt, long Version)
{
    public static BoardDecisionView From(PublicDecision d) => new(
        d.Id, d.Matter, d.Kind, d.Amount, d.Origin, d.Status, d.NextStep is { } n ? DecisionSteps.Name(n) : null,
        d.Steps.Select(s => new BoardStepView(
            DecisionSteps.Name(s.Step), s.Round, s.Date, s.End, s.Due, s.Present, s.For, s.Against, s.Abstaining, s.Passed, s.HeldWithProposal,
            s.Notice, s.Attachments)).ToArray(),
        d.Objections, d.ObjectionsAnswered, d.ClosedAt, d.Version);
}

/// <summary>A page of a village's public notice board: its disclosed decisions, newest first.</summary>
public sealed record BoardView(string Village, string Name, IReadOnlyList<BoardDecisionView> Items, string? NextCursor);
