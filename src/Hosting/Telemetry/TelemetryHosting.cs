using GridGov.Grains.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GridGov.Hosting.Telemetry;

/// <summary>
/// OpenTelemetry for every GridGov host, wired once: metrics of GridGov, Orleans, ASP.NET Core, HttpClient, Npgsql and
/// the runtime, kept for Prometheus to scrape (the API's <c>/metrics</c> for operators, and the plain
/// <c>Telemetry:MetricsPort</c> listener) and pushed over OTLP when an endpoint is configured; traces only then.
/// </summary>
public static partial class TelemetryHosting
{
    /// <summary>The meter Orleans records its runtime instruments on.</summary>
    public const string OrleansMeter = "Microsoft.Orleans";

    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Instruments recorded on every grain call or every buffer a request rents, dropped (never enabled, so their
    /// recording is skipped): together about 4 % of the CPU of a case read (docs/benchmarks.md, "2026-12-03, late
    /// night"), for figures an operator does not act on. Kestrel's memory pool counts each 4 KB block rented and
    /// returned; routing counts each match attempt (the request duration already carries the route); Orleans counts
    /// two directory-cache lookups per call (its call latency and message counts stay).
    /// </summary>
    internal static readonly string[] PerCallInstruments =
    [
        "aspnetcore.memory_pool.*",
        "aspnetcore.routing.match_attempts",
        "orleans-directory-lookups-*",
    ];

    public static TelemetrySettings AddGridGovTelemetry(this IHostApplicationBuilder builder)
    {
        var settings = TelemetrySettings.Load(builder.Configuration);
        builder.Services.AddSingleton(settings);
        AddGridGovMetrics(builder.Services);
        if (!settings.Enabled)
        {
            // No MeterProvider: every instrument stays without a listener, so recording is a no-op.
            return settings;
        }

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));
        otel.WithMetrics(metrics =>
        {
            metrics
                .AddMeter(CaseMetrics.MeterName, OrleansMeter)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter(o => o.ScrapeEndpointPath = MetricsPath);
            foreach (var instrument in PerCallInstruments)
            {
                metrics.AddView(instrument, MetricStreamConfiguration.Drop);
            }

            if (settings.OtlpEndpoint is { } endpoint)
            {
                metrics.AddOtlpExporter(o => Configure(o, settings.OtlpProtocol, endpoint, "v1/metrics"));
            }
        });

        // Without a trace exporter nothing would read the spans: leave tracing off, so no activity is even created.
        if (settings.OtlpEndpoint is { } traces)
        {
            otel.WithTracing(tracing => tracing
                .AddSource(Orleans.Diagnostics.ActivitySources.AllActivitySourceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(o => Configure(o, settings.OtlpProtocol, traces, "v1/traces")));
        }

        if (settings.MetricsPort is not null)
        {
            builder.Services.AddHostedService<MetricsListener>();
        }

        return settings;
    }

    /// <summary>GridGov's instruments (also for test silos that are configured without <see cref="AddGridGovTelemetry"/>).</summary>
    public static IServiceCollection AddGridGovMetrics(IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<CaseMetrics>();
        services.TryAddSingleton<GridGovMetrics>();
        return services;
    }

    private static void Configure(OtlpExporterOptions options, OtlpProtocol protocol, Uri endpoint, string signalPath)
    {
        if (protocol == OtlpProtocol.Grpc)
        {
            options.Protocol = OtlpExportProtocol.Grpc;
            options.Endpoint = endpoint;
        }
        else
        {
            // Over HTTP each signal has its own path under the collector's base address.
            options.Protocol = OtlpExportProtocol.HttpProtobuf;
            options.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
        }
    }

    /// <summary>
    /// A Kestrel listener of its own on <c>Telemetry:MetricsPort</c> that serves only <c>/metrics</c> from this process's
    /// meter provider, without a key: the headless silo has no web server, and the API's own port requires an operator.
    /// </summary>
    private sealed partial class MetricsListener(TelemetrySettings settings, MeterProvider meters, ILoggerFactory loggers) : IHostedService, IAsyncDisposable
    {
        private WebApplication? _app;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            var port = settings.MetricsPort!.Value;
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.ListenAnyIP(port));
            builder.Services.AddSingleton(loggers);
            var app = builder.Build();
            app.UseOpenTelemetryPrometheusScrapingEndpoint(meters, predicate: null, path: MetricsPath, configureBranchedPipeline: null, optionsName: null);
            app.Run(http =>
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
            await app.StartAsync(cancellationToken);
            _app = app;
            LogListening(loggers.CreateLogger<MetricsListener>(), port, MetricsPath);
        }

        public async Task StopAsync(CancellationToken cancellationToken)
        {
            if (_app is not null)
            {
                await _app.StopAsync(cancellationToken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_app is not null)
            {
                await _app.DisposeAsync();
            }
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "GridGov: metrics for Prometheus on port {Port}, path {Path} (no key)")]
        private static partial void LogListening(ILogger logger, int port, string path);
    }
}
