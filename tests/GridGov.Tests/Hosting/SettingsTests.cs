using GridGov.Hosting;
using GridGov.Hosting.Security;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace GridGov.Tests.Hosting;

/// <summary>A wrong or missing setting stops the start with a message that names it.</summary>
public sealed class SettingsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("GridGov:Mode", "Bogus", "GridGov:Mode")]
    [InlineData("GridGov:SiloPort", "abc", "GridGov:SiloPort")]
    [InlineData("GridGov:GatewayPort", "70000", "GridGov:GatewayPort")]
    [InlineData("GridGov:HostSilo", "maybe", "GridGov:HostSilo")]
    [InlineData("GridGov:AdvertisedAddress", "not-an-ip", "GridGov:AdvertisedAddress")]
    [InlineData("GridGov:ClusterId", " ", "GridGov:ClusterId")]
    [InlineData("GridGov:Balance:Enabled", "sometimes", "GridGov:Balance:Enabled")]
    [InlineData("GridGov:Balance:Interval", "soon", "GridGov:Balance:Interval")]
    [InlineData("GridGov:Balance:Interval", "00:00:00.5", "GridGov:Balance:Interval")]
    public void A_wrong_setting_is_named(string key, string value, string named)
    {
        var error = Assert.Throws<GridGovConfigurationException>(() => GridGovSettings.Load(Config((key, value), ("GridGov:DataFolder", Fresh.TempFolder()))));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_balancer_is_on_in_cluster_mode_and_off_in_embedded_mode_unless_set()
    {
        var cluster = (Key: "GridGov:Mode", Value: "Cluster");
        var database = (Key: "GridGov:ConnectionString", Value: "Host=db;Username=u;Database=d");
        Assert.Equal(new BalanceSettings(true, TimeSpan.FromSeconds(30)), GridGovSettings.Load(Config(cluster, database)).Balance);
        Assert.False(GridGovSettings.Load(Config(("GridGov:DataFolder", Fresh.TempFolder()))).Balance.Enabled);
        Assert.Equal(
            new BalanceSettings(false, TimeSpan.FromSeconds(5)),
            GridGovSettings.Load(Config(cluster, database, ("GridGov:Balance:Enabled", "false"), ("GridGov:Balance:Interval", "00:00:05"))).Balance);
    }

    [Fact]
    public void Cluster_mode_needs_a_valid_connection_string_and_a_cluster_secret()
    {
        Assert.Contains("GridGov:ConnectionString", Assert.Throws<GridGovConfigurationException>(() => GridGovSettings.Load(Config(("GridGov:Mode", "Cluster")))).Message, StringComparison.Ordinal);
        Assert.Contains("GridGov:ConnectionString", Assert.Throws<GridGovConfigurationException>(() => GridGovSettings.Load(Config(("GridGov:Mode", "Cluster"), ("GridGov:ConnectionString", "Hots=x;;=")))).Message, StringComparison.Ordinal);

        var settings = GridGovSettings.Load(Config(("GridGov:Mode", "Cluster"), ("GridGov:ConnectionString", "Host=db;Username=u;Database=d")));
        Assert.Contains("No Reset On Close=True", settings.ConnectionString, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Max Auto Prepare=64", settings.ConnectionString, StringComparison.OrdinalIgnoreCase);
        var own = GridGovSettings.Load(Config(("GridGov:Mode", "Cluster"), ("GridGov:ConnectionString", "Host=db;Username=u;Database=d;Max Auto Prepare=0")));
        Assert.DoesNotContain("Max Auto Prepare=64", own.ConnectionString, StringComparison.OrdinalIgnoreCase);

        // A database that does not answer holds a call for a bounded time, unless the operator chose the bounds.
        Assert.Contains("Timeout=5", settings.ConnectionString, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Command Timeout=15", settings.ConnectionString, StringComparison.OrdinalIgnoreCase);
        var bounds = GridGovSettings.Load(Config(("GridGov:Mode", "Cluster"), ("GridGov:ConnectionString", "Host=db;Username=u;Database=d;Timeout=20;Command Timeout=60")));
        Assert.Contains("Timeout=20", bounds.ConnectionString, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Command Timeout=60", bounds.ConnectionString, StringComparison.OrdinalIgnoreCase);
        var secret = Assert.Throws<GridGovConfigurationException>(() => AuthSettings.Load(Config(), settings));
        Assert.Contains("GridGov:Auth:ClusterSecret", secret.Message, StringComparison.Ordinal);
        Assert.Contains("GridGov:Auth:ClusterSecret", Assert.Throws<GridGovConfigurationException>(() => AuthSettings.Load(Config(("GridGov:Auth:ClusterSecret", "c2hvcnQ=")), settings)).Message, StringComparison.Ordinal);
        Assert.Contains("GridGov:Auth:RateLimits:mayor", Assert.Throws<GridGovConfigurationException>(() => AuthSettings.Load(Config(("GridGov:Auth:ClusterSecret", Convert.ToBase64String(new byte[32])), ("GridGov:Auth:RateLimits:mayor:Burst", "5")), settings)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Embedded_mode_makes_its_secrets_once_and_keeps_them()
    {
        var folder = Fresh.TempFolder();
        var settings = GridGovSettings.Load(Config(("GridGov:DataFolder", folder)));
        var first = AuthSettings.Load(Config(), settings);
        var second = AuthSettings.Load(Config(), settings);
        Assert.Equal(first.ClusterSecret, second.ClusterSecret);
        Assert.Equal(first.BootstrapApiKey, second.BootstrapApiKey);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, "bootstrap-api-key")));
        }
    }
}
