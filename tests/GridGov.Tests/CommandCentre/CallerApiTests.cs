using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.CommandCentre;

/// <summary><c>GET /caller</c>: what the page asks to choose the district it shows.</summary>
[Collection(ApiCollection.Name)]
public sealed class CallerApiTests(ApiFactory factory)
{
    [Fact]
    public async Task The_caller_endpoint_names_the_keys_role_and_scope()
    {
        var d = Fresh.District();
        using var client = factory.CreateClient(await factory.CreateKeyAsync("command-centre", d));
        var caller = await (await client.GetAsync("/api/v1/caller")).AssertOkAsync();
        Assert.Equal("command-centre", caller.GetProperty("role").GetString());
        Assert.Equal(d, caller.GetProperty("scope").GetString());
        Assert.Equal(16, caller.GetProperty("subject").GetString()!.Length);

        using var op = factory.CreateOperatorClient();
        var operatorCaller = await (await op.GetAsync("/api/v1/caller")).AssertOkAsync();
        Assert.Equal("*", operatorCaller.GetProperty("scope").GetString());
    }
}
