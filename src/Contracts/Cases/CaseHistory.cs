namespace GridGov.Contracts.Cases;

/// <summary>A case and every transition of it, in order: one answer, so a reader checks who may see it on the case itself.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.case-history")]
public sealed record CaseHistory([property: Id(0)] CaseSnapshot Case, [property: Id(1)] IReadOnlyList<CaseEvent> Events);
