using GridGov.Contracts.Security;

namespace GridGov.Tests.Infrastructure;

/// <summary>
/// The cluster secret of in-process test clusters, and signed callers for direct grain calls. Entering a caller in a
/// synchronous method sets Orleans' RequestContext for the rest of the calling test.
/// </summary>
public static class TestCallers
{
    public static readonly byte[] Secret = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);

    public static readonly CallerSigner Signer = new(Secret);

    public static void EnterOperator() => Enter(new CallerContext("test-operator", Roles.Operator, Scopes.All));

    public static void Enter(CallerContext caller) => caller.Enter(Signer);
}
