using Orleans.Concurrency;

namespace GridGov.Contracts.People;

/// <summary>What a registration (<c>PutAsync</c>) did, so that the caller can answer 201 or 200 without asking first.</summary>
public enum SaveOutcome
{
    Created,
    Updated,
    Unchanged,
}

/// <summary>The entry as a registration left it, and what the registration did.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.saved`1")]
public sealed record Saved<T>([property: Id(0)] T Snapshot, [property: Id(1)] SaveOutcome Outcome)
{
    public bool Created => Outcome == SaveOutcome.Created;
}
