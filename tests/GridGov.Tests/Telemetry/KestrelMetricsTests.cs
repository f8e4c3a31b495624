using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Telemetry;

/// <summary>
/// Kestrel's memory pool records only behind a real socket (the in-memory test server rents no blocks), so whether its
/// instruments are dropped can be seen only there.
/// </summary>
public sealed class KestrelMetricsTests : IAsyncLifetime
{
    private readonly ApiFactory _api = new();
    private ApiOnSocket? _socket;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _socket = await _api.StartOnSocketAsync();
        _client = _socket.Operator;
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
    public async Task Kestrel_serves_requests_without_metering_its_memory_pool()
    {
        // The first answer's blocks were rented and returned before the second scrape, which would show them.
        using (await _client.GetAsync("/metrics"))
        {
        }

        using var response = await _client.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics answered {(int)response.StatusCode}: {body}");
        // Kestrel's own instruments are there; the pool's, recorded for every block a request rents, are not.
        Assert.Contains("kestrel_", body, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_memory_pool", body, StringComparison.Ordinal);
    }
}
