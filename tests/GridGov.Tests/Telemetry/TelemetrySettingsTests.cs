using GridGov.Hosting;
using GridGov.Hosting.Telemetry;
using Microsoft.Extensions.Configuration;

namespace GridGov.Tests.Telemetry;

public sealed class TelemetrySettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("GridGov:Telemetry:MetricsPort", "0")]
    [InlineData("GridGov:Telemetry:MetricsPort", "http")]
    [InlineData("GridGov:Telemetry:OtlpEndpoint", "collector:4317")]
    [InlineData("GridGov:Telemetry:OtlpEndpoint", "ftp://collector")]
    [InlineData("GridGov:Telemetry:OtlpProtocol", "udp")]
    [InlineData("GridGov:Telemetry:Enabled", "off")]
    public void A_wrong_value_stops_the_start_naming_the_setting(string key, string value)
    {
        var e = Assert.Throws<GridGovConfigurationException>(() => TelemetrySettings.Load(Config((key, value))));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nothing_is_exported_beyond_the_operators_metrics_unless_configured()
    {
        Assert.Equal(new TelemetrySettings(), TelemetrySettings.Load(Config()));
        var set = TelemetrySettings.Load(Config(
            ("GridGov:Telemetry:MetricsPort", "9464"), ("GridGov:Telemetry:OtlpEndpoint", "http://collector:4318"), ("GridGov:Telemetry:OtlpProtocol", "http/protobuf")));
        Assert.Equal((9464, new Uri("http://collector:4318"), OtlpProtocol.HttpProtobuf), (set.MetricsPort, set.OtlpEndpoint, set.OtlpProtocol));
    }

    [Fact]
    public void Telemetry_turned_off_exports_nothing()
    {
        Assert.True(TelemetrySettings.Load(Config()).Enabled);
        Assert.False(TelemetrySettings.Load(Config(("GridGov:Telemetry:Enabled", "false"))).Enabled);
        var e = Assert.Throws<GridGovConfigurationException>(() => TelemetrySettings.Load(Config(
            ("GridGov:Telemetry:Enabled", "false"), ("GridGov:Telemetry:MetricsPort", "9464"))));
        Assert.Contains("GridGov:Telemetry:Enabled", e.Message, StringComparison.Ordinal);
    }
}
