using GridGov.Api.Security;
using GridGov.Hosting.Telemetry;

namespace GridGov.Api.Infrastructure;

/// <summary>
/// <c>GET /metrics</c>: the process's metrics in Prometheus' text format (OpenTelemetry's exporter), for an operator's
/// key. A Prometheus without a key scrapes the plain <c>GridGov:Telemetry:MetricsPort</c> listener instead.
/// </summary>
public static class MetricsEndpoint
{
    public static void MapMetrics(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<TelemetrySettings>().Enabled)
        {
            // GridGov:Telemetry:Enabled=false: there is no meter provider to scrape.
            return;
        }

        // Not an /api/v1 resource (no audit entry per scrape) and not JSON: left out of the OpenAPI document.
        app.MapPrometheusScrapingEndpoint(TelemetryHosting.MetricsPath)
            .RequireAuthorization(Policies.Metrics)
            .ExcludeFromDescription();
    }
}
