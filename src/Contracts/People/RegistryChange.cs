namespace GridGov.Contracts.People;

/// <summary>One entry of a household's (or member's) history: what changed, when, by whom.</summary>
[GenerateSerializer, Immutable, Alias("gridgov.registry-change")]
public sealed record RegistryChange(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string What,
    [property: Id(3)] string? From,
    [property: Id(4)] string? To);
