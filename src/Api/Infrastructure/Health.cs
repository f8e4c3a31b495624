using GridGov.Contracts.Common;
using GridGov.Hosting;
using GridGov.Hosting.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace GridGov.Api.Infrastructure;

/// <summary>Ready when the database answers and a grain call reaches a silo (co-hosted or through a gateway).</summary>
internal sealed class ReadinessCheck(GridGovSettings settings, IClusterClient cluster) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            // WaitAsync as well as the token: on a server that accepts connections but never answers, Npgsql's cancellation
            // of the probe waits for the server too, so the token alone would not bound it.
            if (!await SchemaMigrator.CanConnectAsync(settings.Database, settings.ConnectionString, timeout.Token).WaitAsync(timeout.Token))
            {
                return HealthCheckResult.Unhealthy("The database does not answer.");
            }

            await cluster.GetGrain<IHealthGrain>(0).PingAsync().WaitAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster or the database is not reachable.");
        }
    }
}

public static class HealthEndpoints
{
    public static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") }).ExcludeFromDescription();
    }
}
