using System.Net;
using GridGov.Contracts.Security;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Open311;

/// <summary>A server of one district, whose public reads are limited to a small bucket per client address.</summary>
public sealed class Open311SingleDistrictTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new(Fresh.TempFolder(), new Dictionary<string, string?>
    {
        ["GridGov:Auth:RateLimits:anonymous:PermitsPerSecond"] = "1",
        ["GridGov:Auth:RateLimits:anonymous:Burst"] = "4",
    });

    private readonly string _district = Fresh.District();

    public async Task InitializeAsync()
    {
        var (x, y) = Fresh.Origin(_district);
        using var admin = _api.CreateOperatorClient();
        await (await admin.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(_district, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{_district}001001001", "Grid", Geo.Box(x, y, x + 0.1, y + 0.1))))).AssertOkAsync();
    }

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task Jurisdiction_id_is_optional_and_public_reads_are_rate_limited_per_address()
    {
        using var anonymous = _api.CreateClient();
        var services = await anonymous.GetAsync("/open311/v2/services.json");
        Assert.Equal(HttpStatusCode.OK, services.StatusCode);
        Assert.Contains("event.environment", await services.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var response = await anonymous.GetAsync("/open311/v2/requests.json");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter is not null, "A 429 says when to retry.");
        await Open311Fixture.AssertErrorAsync(limited, HttpStatusCode.TooManyRequests, "retry");

        // A key has its own bucket.
        using var app = _api.CreateClient(await _api.CreateKeyAsync(Roles.App, _district));
        Assert.Equal(HttpStatusCode.OK, (await app.GetAsync("/open311/v2/requests.xml")).StatusCode);
    }
}
