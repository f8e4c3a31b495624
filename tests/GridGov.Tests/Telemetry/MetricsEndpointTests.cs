using System.Net;
using GridGov.Contracts.Security;
using GridGov.Tests.Infrastructure;

namespace GridGov.Tests.Telemetry;

/// <summary>The API's own <c>/metrics</c>: Prometheus text for an operator's key, nobody else.</summary>
[Collection(ApiCollection.Name)]
public sealed class MetricsEndpointTests(ApiFactory api)
{
    [Fact]
    public async Task An_operator_reads_the_metrics_and_nobody_else_does()
    {
        using var anonymous = api.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);

        var district = Fresh.District();
        using var admin = api.CreateClient(await api.CreateKeyAsync(Roles.DistrictAdmin, district));
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/metrics")).StatusCode);

        using var operatorClient = api.CreateOperatorClient();
        var response = await operatorClient.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /metrics answered {(int)response.StatusCode}: {body}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        // Orleans' meter and ASP.NET Core's are exported alongside GridGov's.
        Assert.Contains("# TYPE orleans_", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", body, StringComparison.Ordinal);
        // The instruments recorded per grain call or per routed request are dropped (the requests above made grain
        // calls and were routed, so each would have lines); Orleans' call latency, recorded beside them, stays. Kestrel's
        // memory pool records only behind a real socket: KestrelMetricsTests.
        Assert.DoesNotContain("orleans_directory_lookups", body, StringComparison.Ordinal);
        Assert.DoesNotContain("aspnetcore_routing_match_attempts", body, StringComparison.Ordinal);
        Assert.Contains("orleans_app_requests_latency", body, StringComparison.Ordinal);
    }
}
