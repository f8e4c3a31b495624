namespace GridGov.Contracts.Security;

/// <summary>A grain call without a valid signed caller (see <see cref="CallerContext"/>).</summary>
[GenerateSerializer, Alias("gridgov.unauthorized-call")]
public sealed class UnauthorizedCallException(string message) : Exception(message);
