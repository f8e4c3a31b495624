using Orleans.Concurrency;

namespace GridGov.Contracts.People;

/// <summary>What registering a member with its households did: the member's outcome, the links made, and those refused.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.member-registration")]
public sealed record MemberRegistration(
    [property: Id(0)] SaveOutcome Outcome,
    [property: Id(1)] int Links,
    [property: Id(2)] IReadOnlyList<LinkRefusal> Refused);

/// <summary>A household that refused a member's link, and why.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.link-refusal")]
public sealed record LinkRefusal([property: Id(0)] string HouseholdId, [property: Id(1)] string Message);
