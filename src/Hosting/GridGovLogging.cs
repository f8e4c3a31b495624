using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace GridGov.Hosting;

/// <summary>The <c>GridGov:Logging</c> settings: request logging and JSON lines, both off by default.</summary>
public sealed record LoggingSettings(bool Requests, bool Json)
{
    public static LoggingSettings Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(GridGovSettings.Section);
        return new LoggingSettings(
            GridGovSettings.ParseBool(section, "Logging:Requests", false),
            GridGovSettings.ParseBool(section, "Logging:Json", false));
    }
}

/// <summary>
/// GridGov's logging defaults, the same for the API and the headless silo. They go in as the first (lowest)
/// configuration source rather than in an appsettings.json, so they hold wherever the process starts (a published
/// binary run from another folder, a container without the file) and every other source — appsettings.json,
/// <c>Logging__LogLevel__*</c> environment variables, the command line — still overrides each of them.
/// </summary>
public static class GridGovLogging
{
    /// <summary>The category ASP.NET Core's request logging middleware writes under (one line per request).</summary>
    public const string RequestCategory = "Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware";

    /// <summary>The category ASP.NET Core's hosting writes request start and end under; off unless JSON lines are on.</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static LoggingSettings AddGridGovLoggingDefaults(this IHostApplicationBuilder builder)
    {
        var settings = LoggingSettings.Load(builder.Configuration);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Defaults(settings) });
        // Trace and span ids come from Activity.Current; the JSON formatter writes them with the scopes of each line.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        return settings;
    }

    public static Dictionary<string, string?> Defaults(LoggingSettings settings)
    {
        var defaults = new Dictionary<string, string?>
        {
            // ASP.NET Core writes about fifteen Information lines per request and Orleans several per grain
            // activation and membership round: at Information they cost CPU on the hot path and fill disks.
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Warning",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
            // Start, stop and the listening addresses: a few lines per process lifetime.
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
            ["Logging:LogLevel:GridGov"] = "Information",
        };
        if (!settings.Json)
        {
            // ASP.NET Core starts an Activity and a log scope for every request whenever this category is enabled at
            // any level, so that log lines can carry the request's trace id, which plain lines do not print. Off, a case
            // read allocates about a tenth less (docs/benchmarks.md, "Read paths"). JSON lines keep it (they print the
            // ids), and with traces over OTLP every request has its activity anyway. What else this category writes
            // (request start and end, at Information) is off already; a failed start still ends the process with its
            // exception.
            defaults[$"Logging:LogLevel:{HostingDiagnosticsCategory}"] = "None";
        }

        if (settings.Requests)
        {
            defaults[$"Logging:LogLevel:{RequestCategory}"] = "Information";
        }

        if (settings.Json)
        {
            defaults["Logging:Console:FormatterName"] = "json";
            defaults["Logging:Console:FormatterOptions:IncludeScopes"] = "true";
            defaults["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true";
            defaults["Logging:Console:FormatterOptions:TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ";
        }

        return defaults;
    }
}
