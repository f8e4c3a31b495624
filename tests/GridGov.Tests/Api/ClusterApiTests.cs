using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Api;

/// <summary><c>GET /api/v1/cluster</c> in Embedded mode: the one co-hosted silo, its activations, operators only.</summary>
[Collection(ApiCollection.Name)]
public sealed class ClusterApiTests(ApiFactory api)
{
    [Fact]
    public async Task An_operator_sees_the_active_silo_and_its_activations()
    {
        using var client = api.CreateOperatorClient();
        // Something to count: a territory node activation.
        var district = Fresh.District();
        using (var put = await client.PutAsJsonAsync($"/api/v1/territory/{district}", new { name = "District" }))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }

        using var response = await client.GetAsync(new Uri("/api/v1/cluster", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(1, json.GetProperty("activeSilos").GetInt32());
        var silo = Assert.Single(json.GetProperty("silos").EnumerateArray());
        Assert.Equal("Active", silo.GetProperty("status").GetString());
        Assert.Contains(":", silo.GetProperty("address").GetString(), StringComparison.Ordinal);
        Assert.True(silo.GetProperty("startedAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        var activations = silo.GetProperty("activations").EnumerateArray().ToArray();
        Assert.Contains(activations, a => a.GetProperty("grainType").GetString()!.Contains("territory", StringComparison.OrdinalIgnoreCase) && a.GetProperty("count").GetInt32() > 0);
        Assert.Equal(activations.Sum(a => a.GetProperty("count").GetInt32()), silo.GetProperty("activationCount").GetInt32());
        // The API hosts its silo here: no gateways of its own.
        Assert.Equal("silo", json.GetProperty("gateways").GetProperty("mode").GetString());
    }

    [Theory]
    [InlineData(Roles.DistrictAdmin)]
    [InlineData(Roles.Viewer)]
    public async Task Anyone_but_an_operator_is_refused(string role)
    {
        using var client = api.CreateClient(await api.CreateKeyAsync(role, Fresh.District()));
        using var response = await client.GetAsync(new Uri("/api/v1/cluster", UriKind.Relative));
        await response.AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
