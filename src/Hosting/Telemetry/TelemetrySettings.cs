using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace GridGov.Hosting.Telemetry;

public enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}

/// <summary>
/// <c>GridGov:Telemetry</c>: where metrics and traces go besides the operators' <c>/metrics</c> endpoint of the API.
/// </summary>
public sealed record TelemetrySettings
{
    public const string Section = "GridGov:Telemetry";

    /// <summary>
    /// <c>false</c> sets up no OpenTelemetry at all: no meter is listened to (GridGov's, Orleans', ASP.NET Core's
    /// instruments then record nothing), no <c>/metrics</c>, no OTLP. For measuring what telemetry costs
    /// (docs/operations.md, "Cost"); a deployment keeps it on.
    /// </summary>
    public bool Enabled { get; init; } = true;

    /// <summary>A plain HTTP port serving only <c>/metrics</c>, without a key (for a Prometheus inside the cluster's network).</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Where metrics and traces are pushed over OTLP; none when unset (and then no traces are collected at all).</summary>
    public Uri? OtlpEndpoint { get; init; }

    public OtlpProtocol OtlpProtocol { get; init; } = OtlpProtocol.Grpc;

    public static TelemetrySettings Load(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var settings = new TelemetrySettings
        {
            Enabled = ParseEnabled(section["Enabled"]),
            MetricsPort = Port(section["MetricsPort"]),
            OtlpEndpoint = Endpoint(section["OtlpEndpoint"]),
            OtlpProtocol = Protocol(section["OtlpProtocol"]),
        };
        return settings.Enabled || (settings.MetricsPort is null && settings.OtlpEndpoint is null)
            ? settings
            : throw new GridGovConfigurationException("GridGov:Telemetry:Enabled=false exports nothing: unset GridGov:Telemetry:MetricsPort and GridGov:Telemetry:OtlpEndpoint, or turn telemetry on.");
    }

    private static bool ParseEnabled(string? value) =>
        string.IsNullOrWhiteSpace(value) ? true
        : bool.TryParse(value.Trim(), out var enabled) ? enabled
        : throw new GridGovConfigurationException($"GridGov:Telemetry:Enabled must be true or false, not '{value}'.");

    private static int? Port(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new GridGovConfigurationException($"GridGov:Telemetry:MetricsPort must be a TCP port from 1 to 65535, not '{value}'.");
    }

    private static Uri? Endpoint(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        return Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new GridGovConfigurationException($"GridGov:Telemetry:OtlpEndpoint must be an absolute http:// or https:// URL (e.g. http://collector:4317), not '{value}'.");
    }

    private static OtlpProtocol Protocol(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "grpc" => OtlpProtocol.Grpc,
        "http/protobuf" or "httpprotobuf" => OtlpProtocol.HttpProtobuf,
        _ => throw new GridGovConfigurationException($"GridGov:Telemetry:OtlpProtocol must be grpc or http/protobuf, not '{value}'."),
    };
}
