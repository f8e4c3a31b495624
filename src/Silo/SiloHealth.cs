using GridGov.Hosting;
using GridGov.Hosting.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace GridGov.Silo;

/// <summary>
/// The silo's health listener, on <c>GridGov:HealthPort</c> only, for Kubernetes' probes: <c>/health/live</c> answers
/// while the process runs; <c>/health/ready</c> once the silo has joined the cluster (the host has started, which
/// Orleans' hosted service allows only after the silo is active) and until it starts leaving, while the database answers.
/// </summary>
public static class SiloHealth
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    public static async Task RunAsync(string[] args, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // Only the health port: the image's ASPNETCORE_HTTP_PORTS belongs to the API.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));
        builder.AddGridGov();
        builder.Services.AddHealthChecks().AddCheck<SiloReadiness>("silo", tags: ["ready"]);

        var app = builder.Build();
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        await app.RunAsync();
    }

    private sealed class SiloReadiness(GridGovSettings settings, IHostApplicationLifetime lifetime) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!lifetime.ApplicationStarted.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("The silo has not joined the cluster yet.");
            }

            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("The silo is leaving the cluster.");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            return await SchemaMigrator.CanConnectAsync(settings.Database, settings.ConnectionString, timeout.Token)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
    }
}
