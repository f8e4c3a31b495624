using System.Globalization;
using GridGov.Contracts.Territory;
using GridGov.Hosting;
using GridGov.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Sdk;

namespace GridGov.Tests.Cluster;

/// <summary>How the cluster tests start processes and clients, read the membership table and wait on the cluster.</summary>
public sealed partial class ClusterProcessTests
{
    private static string StreetName(string code) => $"Street {code[6..]}";

    private Dictionary<string, string> ClusterEnvironment(string clusterId, string serviceId, int? siloPort, int? gatewayPort)
    {
        var environment = new Dictionary<string, string>
        {
            ["GridGov__Mode"] = "Cluster",
            ["GridGov__ConnectionString"] = Database.ConnectionString,
            ["GridGov__ClusterId"] = clusterId,
            ["GridGov__ServiceId"] = serviceId,
            ["GridGov__AdvertisedAddress"] = "127.0.0.1",
            ["GridGov__MigrateOnStart"] = "false",
            ["GridGov__HostSilo"] = "true",
            ["GridGov__Auth__ClusterSecret"] = Convert.ToBase64String(_clusterSecret),
            // Notice the killed silo quickly (Orleans' defaults suit production, not a test).
            ["GridGov__Membership__ProbeTimeout"] = "00:00:01",
            ["GridGov__Membership__NumMissedProbesLimit"] = "2",
        };
        if (siloPort is { } silo)
        {
            environment["GridGov__SiloPort"] = silo.ToString(CultureInfo.InvariantCulture);
        }

        if (gatewayPort is { } gateway)
        {
            environment["GridGov__GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture);
        }

        return environment;
    }

    private async Task<IHost> StartClientAsync(string clusterId, string serviceId)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GridGov:Mode"] = "Cluster",
                ["GridGov:HostSilo"] = "false",
                ["GridGov:ConnectionString"] = Database.ConnectionString,
                ["GridGov:ClusterId"] = clusterId,
                ["GridGov:ServiceId"] = serviceId,
            })
            .Build();
        var settings = GridGovSettings.Load(configuration);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.UseOrleansClient(c => c.ConfigureGridGovClient(settings));
        var host = builder.Build();
        _cleanup.Add(new StoppingHost(host));
        using var start = new CancellationTokenSource(JoinTimeout);
        await host.StartAsync(start.Token);
        return host;
    }

    /// <summary>The silo port of the activation of each given territory node, from every active silo's own report.</summary>
    private static async Task<Dictionary<string, int>> TerritoryPlacementAsync(IManagementGrain management, IClusterClient grains, string[] codes)
    {
        var wanted = codes.ToDictionary(c => grains.GetGrain<ITerritoryGrain>(c).GetGrainId(), c => c);
        var statistics = await management.GetDetailedGrainStatistics();
        var placement = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var statistic in statistics)
        {
            if (wanted.TryGetValue(statistic.GrainId, out var code))
            {
                Assert.False(placement.ContainsKey(code), $"{code} is active on two silos at once.");
                placement[code] = statistic.SiloAddress.Endpoint.Port;
            }
        }

        return placement;
    }

    private async Task<List<Member>> MembersAsync(string clusterId)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT address, port, generation, status, proxy_port FROM orleans_membership WHERE deployment_id = @id", connection);
        command.Parameters.AddWithValue("id", clusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Member>();
        while (await reader.ReadAsync())
        {
            rows.Add(new Member(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
        }

        return rows;
    }

    private async Task<bool> TableExistsAsync(string table)
    {
        await using var connection = new NpgsqlConnection(Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection);
        command.Parameters.AddWithValue("name", table);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Polls until the condition holds; fails fast when a silo process has died on its own.</summary>
    private Task<T> PollAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, TimeSpan timeout, Func<T, string> describe) =>
        Eventually.MatchesAsync(
            async () =>
            {
                var value = await probe();
                return !condition(value) && _silos.FirstOrDefault(s => s.HasExited && !s.WasKilled) is { } crashed
                    ? throw new InvalidOperationException($"{crashed.Name} exited with {crashed.ExitCode} while waiting for {what}.")
                    : value;
            },
            condition,
            what,
            timeout,
            describe);

    /// <summary>
    /// Retries a grain call while the cluster notices a dead silo (each attempt bounded, so a message stuck on the
    /// dead silo does not use up the budget), up to <see cref="FailoverTimeout"/> after <paramref name="since"/>.
    /// </summary>
    private async Task<T> RetryAsync<T>(Func<Task<T>> call, string what, TimeSpan since)
    {
        var failures = 0;
        string? lastFailure = null;
        var remaining = since + FailoverTimeout - _clock.Elapsed;
        var outcome = await Eventually.MatchesAsync(
            async () =>
            {
                try
                {
                    return (Done: true, Value: await call().WaitAsync(CallTimeout), Error: "");
                }
                catch (Exception e) when (e is not XunitException)
                {
                    failures++;
                    var failure = e.GetType().Name + "/" + e.InnerException?.GetType().Name;
                    if (failure != lastFailure)
                    {
                        log.WriteLine($"{_clock.Elapsed.TotalSeconds,7:0.0} s  {what}: attempt {failures} failed: {e.GetType().Name}: {FirstLine(e.Message)}");
                        lastFailure = failure;
                    }

                    return (Done: false, Value: default(T)!, Error: $"{e.GetType().Name}: {FirstLine(e.Message)}");
                }
            },
            attempt => attempt.Done,
            what,
            remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero,
            attempt => $"attempt {failures} failed with {attempt.Error}");
        if (failures > 0)
        {
            log.WriteLine($"{_clock.Elapsed.TotalSeconds,7:0.0} s  {what}: succeeded after {failures} failed attempt(s)");
        }

        return outcome.Value;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    private void Step(string what) => log.WriteLine($"{_clock.Elapsed.TotalSeconds,7:0.0} s  {what}");

    private sealed record Member(string Address, int Port, int Generation, int Status, int ProxyPort);

    /// <summary>Stops a host (bounded) and disposes it.</summary>
    private sealed class StoppingHost(IHost host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await host.StopAsync(stop.Token);
            }
            finally
            {
                host.Dispose();
            }
        }
    }

    /// <summary>The API process's composition, as a client of a running cluster.</summary>
    private sealed class ClientModeApi(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
