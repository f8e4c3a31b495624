namespace GridGov.Contracts.Cases;

/// <summary>
/// One transition of one case: immutable, numbered per case (<c>Version</c> 1, 2, 3…), and the unit of every
/// consumer (the grid's view, the read model, live feeds), which applies it only when it is newer than what it has.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.case-event")]
public sealed record CaseEvent(
    [property: Id(0)] Guid EventId,
    [property: Id(1)] string CaseId,
    [property: Id(2)] long Version,
    [property: Id(3)] string Type,
    [property: Id(4)] string GridCode,
    [property: Id(5)] DateTimeOffset At,
    [property: Id(6)] string Actor,
    [property: Id(7)] string? Note,
    [property: Id(8)] CaseSnapshot Case,
    [property: Id(9)] IReadOnlyList<CaseSupervisor>? Supervisors = null);
