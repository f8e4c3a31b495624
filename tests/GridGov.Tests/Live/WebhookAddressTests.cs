using System.Collections.Concurrent;
using System.Net;
using GridGov.Hosting.Live;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Live;

/// <summary>A resolver the test controls: each name answers what the test last set.</summary>
public sealed class TestResolver : IWebhookAddressResolver
{
    private readonly ConcurrentDictionary<string, IPAddress[]> _names = new(StringComparer.OrdinalIgnoreCase);

    public void Set(string host, params IPAddress[] addresses) => _names[host] = addresses;

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        _names.TryGetValue(host, out var addresses) ? Task.FromResult(addresses) : throw new System.Net.Sockets.SocketException(11001);
}

/// <summary>
/// An API whose deliveries check the address they connect to (insecure URLs NOT allowed, unlike the other live
/// tests), with the test's resolver in place of DNS.
/// </summary>
public sealed class AddressCheckFixture : IAsyncLifetime
{
    public TestResolver Resolver { get; } = new();

    public ApiFactory Api { get; }

    public Territory Land { get; } = new(Fresh.District());

    public HttpClient Operator { get; private set; } = null!;

    public AddressCheckFixture()
    {
        var settings = LiveFixture.QuickSettings();
        settings["GridGov:Webhooks:AllowInsecureUrls"] = "false";
        Api = new ApiFactory(Fresh.TempFolder(), settings) { TestServices = s => s.AddSingleton<IWebhookAddressResolver>(Resolver) };
    }

    public async Task InitializeAsync()
    {
        Operator = Api.CreateOperatorClient();
        await Land.ImportAsync(Operator);
    }

    public async Task DisposeAsync()
    {
        Operator.Dispose();
        await Api.DisposeAsync();
    }
}

public sealed class WebhookAddressTests(AddressCheckFixture f) : IClassFixture<AddressCheckFixture>
{
    [Fact]
    public async Task A_name_that_resolves_inside_at_delivery_is_refused_and_ends_as_a_dead_letter_with_the_reason()
    {
        // Public when registered (203.0.113.0/24 is a documentation range, outside every refused one) ...
        var host = $"rebind-{Guid.NewGuid():N}.example.test";
        f.Resolver.Set(host, IPAddress.Parse("203.0.113.10"));
        var (id, _) = await WebhookTests.RegisterAsync(f.Operator, f.Land.District, $"https://{host}/hook", f.Land.GridA);

        // ... and this machine (and a cluster-internal address) by the time a delivery connects: DNS rebinding.
        f.Resolver.Set(host, IPAddress.Parse("127.0.0.1"), IPAddress.Parse("::ffff:10.0.0.7"));
        var caseId = await f.Land.ReportAsync(f.Operator);

        var letters = await Eventually.MatchesAsync(
            async () => (await (await f.Operator.GetAsync($"/api/v1/districts/{f.Land.District}/webhooks/{id}/dead-letters")).AssertOkAsync()).GetProperty("items"),
            items => items.GetArrayLength() >= 1,
            $"a dead letter of webhook {id}");
        var letter = letters.EnumerateArray().First(l => l.GetProperty("payload").GetProperty("caseId").GetString() == caseId);
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
        var reason = letter.GetProperty("lastError").GetString()!;
        Assert.StartsWith("Refused", reason, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.5.4")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("224.0.0.251")]
    [InlineData("255.255.255.255")]
    [InlineData("fe80::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a00:1")]
    public void Addresses_inside_are_refused(string address) => Assert.True(WebhookAddresses.IsInternal(IPAddress.Parse(address)));

    [Theory]
    [InlineData("203.0.113.10")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) => Assert.False(WebhookAddresses.IsInternal(IPAddress.Parse(address)));
}
