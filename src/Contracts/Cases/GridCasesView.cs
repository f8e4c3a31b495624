namespace GridGov.Contracts.Cases;

/// <summary>An open case as the grid's view holds it.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.open-case")]
public sealed record OpenCase(
    [property: Id(0)] string Id,
    [property: Id(1)] CaseState State,
    [property: Id(2)] string Category,
    [property: Id(3)] double? Lat,
    [property: Id(4)] double? Lon,
    [property: Id(5)] DateTimeOffset ReportedAt,
    [property: Id(6)] string? Assignee,
    [property: Id(7)] DateTimeOffset? Deadline,
    [property: Id(8)] bool Overdue,
    [property: Id(9)] long Version);

[GenerateSerializer, Immutable, Alias("gridgov.grid-cases-view")]
public sealed record GridCasesView(
    [property: Id(0)] string GridCode,
    [property: Id(1)] IReadOnlyList<OpenCase> Open,
    [property: Id(2)] IReadOnlyDictionary<CaseState, int> ByState,
    [property: Id(3)] int Overdue);
