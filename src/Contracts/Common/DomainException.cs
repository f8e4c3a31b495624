namespace GridGov.Contracts.Common;

/// <summary>What kind of domain failure happened; the API maps each to an HTTP status.</summary>
public enum DomainErrorKind
{
    Validation,
    NotFound,
    Conflict,
    PreconditionFailed,
    Forbidden,
}

/// <summary>
/// A refusal by the domain (bad input, missing entity, conflicting state, stale version). Grains throw it, the API
/// turns it into RFC 9457 ProblemDetails. <see cref="Field"/> names the offending input where there is one.
/// </summary>
[GenerateSerializer, Alias("gridgov.domain-exception")]
public sealed class DomainException : Exception
{
    public DomainException(DomainErrorKind kind, string message, string? field = null)
        : base(message)
    {
        Kind = kind;
        Field = field;
    }

    [Id(0)]
    public DomainErrorKind Kind { get; }

    [Id(1)]
    public string? Field { get; }

    /// <summary>Members the problem carries besides its detail (e.g. <c>mergedInto</c>), for clients to act on.</summary>
    [Id(2)]
    public IReadOnlyDictionary<string, string>? Extensions { get; init; }

    public static DomainException Invalid(string field, string message) => new(DomainErrorKind.Validation, message, field);

    public static DomainException NotFound(string message) => new(DomainErrorKind.NotFound, message);

    public static DomainException Conflict(string message, string? field = null) => new(DomainErrorKind.Conflict, message, field);

    public static DomainException Forbidden(string message) => new(DomainErrorKind.Forbidden, message);

    public static DomainException Stale(long expected, long actual) =>
        new(DomainErrorKind.PreconditionFailed, $"The entity is at version {actual}, not {expected}.");
}
