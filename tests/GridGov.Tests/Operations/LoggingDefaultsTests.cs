using System.Diagnostics;
using System.Text.Json;
using GridGov.Hosting;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace GridGov.Tests.Operations;

/// <summary>GridGov's logging defaults: quiet, overridable by the usual configuration, JSON lines with trace ids on request.</summary>
public sealed class LoggingDefaultsTests
{
    [Fact]
    public void The_defaults_keep_frameworks_at_Warning_and_GridGov_at_Information()
    {
        var defaults = GridGovLogging.Defaults(new LoggingSettings(Requests: false, Json: false));

        Assert.Equal("Warning", defaults["Logging:LogLevel:Microsoft.AspNetCore"]);
        Assert.Equal("Warning", defaults["Logging:LogLevel:Orleans"]);
        Assert.Equal("Information", defaults["Logging:LogLevel:GridGov"]);
        Assert.DoesNotContain($"Logging:LogLevel:{GridGovLogging.RequestCategory}", defaults.Keys);
        Assert.DoesNotContain("Logging:Console:FormatterName", defaults.Keys);
        // Off, so that ASP.NET Core starts no activity per request only for plain lines that would not print its ids.
        Assert.Equal("None", defaults["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"]);
        Assert.DoesNotContain("Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics", GridGovLogging.Defaults(new LoggingSettings(Requests: false, Json: true)).Keys);
    }

    [Fact]
    public void A_wrong_value_names_the_setting()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["GridGov:Logging:Json"] = "yes" }).Build();

        var e = Assert.Throws<GridGovConfigurationException>(() => LoggingSettings.Load(configuration));
        Assert.Contains("GridGov:Logging:Json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configuration_overrides_a_default_and_JSON_lines_carry_the_trace_and_span_ids()
    {
        await using var api = new ApiFactory(Fresh.TempFolder(), new Dictionary<string, string?>
        {
            // As Logging__LogLevel__Microsoft.AspNetCore=Information in the environment would.
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information",
            ["GridGov:Logging:Json"] = "true",
        });
        using var client = api.CreateClient();
        await client.GetAsync("/health/live");

        var loggers = api.Services.GetRequiredService<ILoggerFactory>();
        Assert.True(loggers.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").IsEnabled(LogLevel.Information), "The configured level wins over the default.");
        Assert.Contains(api.Logs.Lines, l => l.StartsWith("Information Microsoft.AspNetCore.Hosting.Diagnostics", StringComparison.Ordinal));
        Assert.False(loggers.CreateLogger("Orleans.Runtime.Catalog").IsEnabled(LogLevel.Information), "Orleans keeps its default.");
        Assert.True(loggers.CreateLogger("Orleans.Runtime.Catalog").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("GridGov.Hosting.Live.WebhookDeliverer").IsEnabled(LogLevel.Information));

        Assert.Equal("json", api.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        var json = api.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == ConsoleFormatterNames.Json);
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var line = new StringWriter();
        json.Write(new LogEntry<string>(LogLevel.Information, "GridGov.Test", default, "a line", null, (s, _) => s), api.Logs.ScopeProvider, line);

        var written = JsonDocument.Parse(line.ToString()).RootElement;
        Assert.Equal("a line", written.GetProperty("Message").GetString());
        var ids = written.GetProperty("Scopes").EnumerateArray().Single(s => s.TryGetProperty("TraceId", out _));
        Assert.Equal(activity.TraceId.ToHexString(), ids.GetProperty("TraceId").GetString());
        Assert.Equal(activity.SpanId.ToHexString(), ids.GetProperty("SpanId").GetString());
        Assert.True(written.TryGetProperty("Timestamp", out _), line.ToString());
    }
}
