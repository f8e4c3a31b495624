namespace GridGov.Contracts.Cases;

/// <summary>
/// A supervisor an escalation event names: a staff member with the supervising role of the node the case was escalated
/// to. Only the id and the name travel (no phone).
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.case-supervisor")]
public sealed record CaseSupervisor([property: Id(0)] string Id, [property: Id(1)] string Name);
