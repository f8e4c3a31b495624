using System.Net;
using GridGov.Tests.Api;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Security;

/// <summary>
/// Kestrel removes dot-segments before routing, so a resident path ending in <c>..</c> names its household. On a real
/// socket (the in-memory test server does not normalize), such a target is refused rather than carried out. The
/// same real socket shows the headers Kestrel itself writes.
/// </summary>
public sealed class DotSegmentTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();
    private readonly string _d = Fresh.District();
    private ApiOnSocket? _socket;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _socket = await _api.StartOnSocketAsync();
        _client = _socket.Operator;

        var (x, y) = Fresh.Origin(_d);
        await (await _client.PostJsonAsync("/api/v1/territory/import", Geo.Collection(
            Geo.Feature(_d, "District", Geo.Box(x, y, x + 0.4, y + 0.4)),
            Geo.Feature($"{_d}001", "Street", Geo.Box(x, y, x + 0.3, y + 0.3)),
            Geo.Feature($"{_d}001001", "Community", Geo.Box(x, y, x + 0.2, y + 0.2)),
            Geo.Feature($"{_d}001001001", "Grid", Geo.Box(x, y, x + 0.1, y + 0.1))))).AssertOkAsync();
        await (await _client.PutJsonAsync($"/api/v1/households/{_d}-H1", $$"""{"gridCode":"{{_d}}001001001","building":"1","room":"1"}""")).AssertOkAsync(HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        if (_socket is not null)
        {
            await _socket.DisposeAsync();
        }

        await _api.DisposeAsync();
    }

    [Fact]
    public async Task An_answer_over_a_real_socket_names_no_server()
    {
        // The in-memory test server never writes a Server header; Kestrel does unless told not to.
        using var response = await _client.GetAsync($"/api/v1/households/{_d}-H1");
        await response.AssertOkAsync();
        Assert.False(response.Headers.Contains("Server"), $"Server: {string.Join(", ", response.Headers.Server)}");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task A_target_with_dot_segments_is_refused_and_deletes_nothing()
    {
        foreach (var tail in new[] { "residents/..", "residents/../", "residents/%2E%2E", "residents/./..", "residents/%2e%2e/" })
        {
            var uri = new Uri(
                $"{_client.BaseAddress!.GetLeftPart(UriPartial.Authority)}/api/v1/households/{_d}-H1/{tail}",
                new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
            using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, uri));

            await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            await (await _client.GetAsync($"/api/v1/households/{_d}-H1")).AssertOkAsync();
        }
    }
}
