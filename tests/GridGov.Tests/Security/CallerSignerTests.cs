using System.Security.Cryptography;
using GridGov.Contracts.Security;

namespace GridGov.Tests.Security;

/// <summary>The signer remembers signatures, and remembering changes no answer.</summary>
public sealed class CallerSignerTests
{
    [Fact]
    public void A_remembered_signature_verifies_only_its_own_caller()
    {
        var signer = new CallerSigner(RandomNumberGenerator.GetBytes(32));
        var other = new CallerSigner(RandomNumberGenerator.GetBytes(32));
        var caller = new CallerContext("k1", Roles.App, "460204");
        var signature = signer.Sign(caller);

        Assert.Equal(signature, signer.Sign(caller with { }));
        Assert.True(signer.Verify(caller, signature));
        Assert.True(signer.Verify(new CallerContext("k1", Roles.App, "460204"), signature));
        Assert.False(signer.Verify(caller with { Scope = "*" }, signature));
        Assert.False(signer.Verify(caller, other.Sign(caller)));
        Assert.False(signer.Verify(caller, signature[..^2]));
        Assert.False(signer.Verify(caller, ""));
    }
}
