namespace GridGov.Contracts.Territory;

/// <summary>A feature of an import that passed the API's shape checks: where it was in the file, and the node it writes.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.territory-import-item")]
public sealed record TerritoryImportItem(
    [property: Id(0)] int Index,
    [property: Id(1)] string Code,
    [property: Id(2)] string Name,
    [property: Id(3)] string Boundary);

/// <summary>What became of one feature: the node's outcome, or why the node refused it.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.territory-import-outcome")]
public sealed record TerritoryImportOutcome(
    [property: Id(0)] int Index,
    [property: Id(1)] string Code,
    [property: Id(2)] UpsertOutcome? Outcome,
    [property: Id(3)] string? Refusal);

/// <summary>
/// Writes the nodes of an import level by level (parents before children), each level in bounded parallel: a workflow
/// across many territory grains, so a grain owns it and finishes it even if the request goes away. A stateless
/// worker (key 0); each territory grain checks the caller's district, which travels with the calls.
/// </summary>
[Alias("gridgov.territory-import")]
public interface ITerritoryImportGrain : IGrainWithIntegerKey
{
    /// <summary>One outcome per item; a node that refuses its feature refuses that feature only.</summary>
    [Alias("import")]
    Task<IReadOnlyList<TerritoryImportOutcome>> ImportAsync(IReadOnlyList<TerritoryImportItem> items);
}
