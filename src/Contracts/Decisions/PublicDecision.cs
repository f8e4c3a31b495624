namespace GridGov.Contracts.Decisions;

/// <summary>
/// A step as the public notice board shows it: the meeting's numbers and attachments, or the disclosure's period and
/// text. No minutes of meetings (they name speakers), nobody who recorded it.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.public-step")]
public sealed record PublicStep(
    [property: Id(0)] DecisionStep Step,
    [property: Id(1)] DateTimeOffset Date,
    [property: Id(2)] DateTimeOffset? End,
    [property: Id(3)] int? Due,
    [property: Id(4)] int? Present,
    [property: Id(5)] int? For,
    [property: Id(6)] int? Against,
    [property: Id(7)] int? Abstaining,
    [property: Id(8)] bool Passed,
    [property: Id(9)] bool HeldWithProposal,
    [property: Id(10)] string? Notice,
    [property: Id(11)] IReadOnlyList<string> Attachments,
    [property: Id(12)] int Round);

/// <summary>A decision as the public board, live feeds and webhooks show it: nothing that names a person.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.public-decision")]
public sealed record PublicDecision(
    [property: Id(0)] string Id,
    [property: Id(1)] string Village,
    [property: Id(2)] string Matter,
    [property: Id(3)] DecisionKind Kind,
    [property: Id(4)] decimal? Amount,
    [property: Id(5)] DecisionOrigin Origin,
    [property: Id(6)] DecisionStatus Status,
    [property: Id(7)] int Round,
    [property: Id(8)] DecisionStep? NextStep,
    [property: Id(9)] IReadOnlyList<PublicStep> Steps,
    [property: Id(10)] int Objections,
    [property: Id(11)] int ObjectionsAnswered,
    [property: Id(12)] DateTimeOffset? ClosedAt,
    [property: Id(13)] long Version)
{
    public static PublicDecision From(DecisionSnapshot d) => new(
        d.Id, d.Village, d.Matter, d.Kind, d.Amount, d.Origin, d.Status, d.Round, d.NextStep,
        d.Steps.Select(s => new PublicStep(
            s.Step, s.Date, s.End, s.Due, s.Present, s.For, s.Against, s.Abstaining, s.Passed, s.HeldWithProposal,
            // A disclosure's text is the notice itself, public by definition; a meeting's minutes are not.
            s.Step is DecisionStep.ResolutionDisclosure or DecisionStep.ResultDisclosure ? s.Minutes : null,
            s.Attachments, s.Round)).ToArray(),
        d.Objections.Count, d.Objections.Count(o => o.Answer is not null), d.ClosedAt, d.Version);
}

/// <summary>A page of a village's public notice board.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.board-page")]
public sealed record BoardPage(
    [property: Id(0)] string Village,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<PublicDecision> Decisions,
    [property: Id(3)] int? Next);

/// <summary>A page of a village's decisions for staff, newest first.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.decision-page")]
public sealed record DecisionPage(
    [property: Id(0)] IReadOnlyList<DecisionSnapshot> Decisions,
    [property: Id(1)] int? Next);
