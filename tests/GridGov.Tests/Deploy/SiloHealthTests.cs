using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using GridGov.Hosting.Storage;
using GridGov.Tests.Cluster;
using GridGov.Tests.Infrastructure;
using k8s.Models;

namespace GridGov.Tests.Deploy;

/// <summary>
/// The headless silo, started as the silo pods start it (Cluster mode, <c>GridGov__HealthPort</c>), answers the
/// probe paths its manifest asks once it has joined the cluster.
/// </summary>
public sealed class SiloHealthTests : IAsyncLifetime
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(90);

    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_silo_with_a_health_port_answers_its_manifest_s_probes_once_it_has_joined()
    {
        var database = _database!;
        await SchemaMigrator.MigrateAsync(DatabaseKind.PostgreSql, database.ConnectionString);
        var healthPort = Fresh.Port();
        var id = "gridgov-health-" + Guid.NewGuid().ToString("N")[..8];
        var environment = new Dictionary<string, string>
        {
            ["GridGov__Mode"] = "Cluster",
            ["GridGov__ConnectionString"] = database.ConnectionString,
            ["GridGov__ClusterId"] = id,
            ["GridGov__ServiceId"] = id,
            ["GridGov__AdvertisedAddress"] = "127.0.0.1",
            ["GridGov__SiloPort"] = Fresh.Port().ToString(CultureInfo.InvariantCulture),
            ["GridGov__GatewayPort"] = Fresh.Port().ToString(CultureInfo.InvariantCulture),
            ["GridGov__HealthPort"] = healthPort.ToString(CultureInfo.InvariantCulture),
            ["GridGov__Auth__ClusterSecret"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
        var container = Assert.Single(Manifests.Repository.Named<V1Deployment>("gridgov-silo").Spec.Template.Spec.Containers);
        var paths = new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe }
            .OfType<V1Probe>().Select(p => p.HttpGet.Path).Distinct().ToList();

        await using var silo = SiloProcess.Start("silo-health", environment);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}"), Timeout = TimeSpan.FromSeconds(10) };
        foreach (var path in paths)
        {
            await Eventually.MatchesAsync(
                async () => silo.HasExited ? "exited" : await StatusAsync(client, path),
                status => status is "OK" or "exited",
                $"GET {path} on the silo's health port to answer 200",
                JoinTimeout);
            Assert.False(silo.HasExited, $"The silo exited:\n{silo.Output}");
        }
    }

    private static async Task<string> StatusAsync(HttpClient client, string path)
    {
        try
        {
            return (await client.GetAsync(path)).StatusCode.ToString();
        }
        catch (HttpRequestException e)
        {
            return e.HttpRequestError.ToString();
        }
    }
}
