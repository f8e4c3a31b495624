using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using GridGov.Contracts.Common;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace GridGov.Tests.Cluster;

/// <summary>
/// A real cluster: the headless silo started twice as separate OS processes on PostgreSQL, a cluster client in the
/// test, and one silo killed without grace. Everything goes through the same configuration a deployment uses
/// (GridGov__… environment variables, the migrate command, ADO.NET clustering).
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed partial class ClusterProcessTests(ITestOutputHelper log) : IAsyncLifetime
{
    private const int Active = (int)SiloStatus.Active;
    private const int Dead = (int)SiloStatus.Dead;
    private const int Streets = 20;

    /// <summary>Street codes have three digits after the district's six.</summary>
    private const int MaxStreets = 980;

    private static readonly TimeSpan ProcessExitTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DeathDeclarationTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SpreadTimeout = TimeSpan.FromSeconds(60);

    private readonly List<SiloProcess> _silos = [];
    private readonly List<IAsyncDisposable> _cleanup = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    // Every process of one cluster shares the secret that signs callers (GridGov__Auth__ClusterSecret).
    private readonly byte[] _clusterSecret = RandomNumberGenerator.GetBytes(32);
    private TestDatabase? _database;

    public async Task InitializeAsync() => _database = await PostgresServer.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        // Clients first, then every silo process (killed, whatever happened), then the database.
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            try
            {
                await _cleanup[i].DisposeAsync();
            }
            catch (Exception e)
            {
                log.WriteLine($"cleanup: {e.GetType().Name}: {e.Message}");
            }
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private TestDatabase Database => _database ?? throw new InvalidOperationException("InitializeAsync has not run.");

    [Fact]
    public async Task The_migrate_command_applies_the_schema_and_can_run_again()
    {
        var environment = ClusterEnvironment("gridgov-migrate", "gridgov-migrate", siloPort: null, gatewayPort: null);

        var first = await SiloProcess.RunAsync("migrate-1", environment, ProcessExitTimeout, "migrate");
        Assert.True(first.ExitCode == 0, $"The first migrate exited with {first.ExitCode}.\n{first.Output}");
        Assert.True(await TableExistsAsync("orleans_membership"), $"migrate did not create orleans_membership.\n{first.Output}");
        Assert.True(await TableExistsAsync("orleansquery"), $"migrate did not create OrleansQuery.\n{first.Output}");

        var second = await SiloProcess.RunAsync("migrate-2", environment, ProcessExitTimeout, "migrate");
        Assert.True(second.ExitCode == 0, $"The second migrate exited with {second.ExitCode}.\n{second.Output}");
        Assert.Contains("0 migration(s) applied", second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_silo_processes_serve_the_territory_and_a_killed_silo_loses_no_data()
    {
        var clusterId = "cluster-" + Guid.NewGuid().ToString("N");
        var serviceId = "svc-" + Guid.NewGuid().ToString("N");

        var migrate = await SiloProcess.RunAsync("migrate", ClusterEnvironment(clusterId, serviceId, null, null), ProcessExitTimeout, "migrate");
        Assert.True(migrate.ExitCode == 0, $"migrate exited with {migrate.ExitCode}.\n{migrate.Output}");
        Step($"schema migrated by the migrate command ({SiloBinary.Describe()})");

        try
        {
            await RunClusterScenarioAsync(clusterId, serviceId);
        }
        catch (Exception e)
        {
            // Whatever failed, show what the silos said.
            throw new ClusterTestFailure(e, _silos.Select(s => s.Output));
        }
    }

    private async Task RunClusterScenarioAsync(string clusterId, string serviceId)
    {
        // 1. Two silo processes join through the PostgreSQL membership table.
        var ports = new Dictionary<string, int>();
        foreach (var name in new[] { "silo-a", "silo-b" })
        {
            var siloPort = Fresh.Port();
            var gatewayPort = Fresh.Port();
            var silo = SiloProcess.Start(name, ClusterEnvironment(clusterId, serviceId, siloPort, gatewayPort));
            _silos.Add(silo);
            ports[name] = siloPort;
            log.WriteLine($"{name}: pid {silo.ProcessId}, silo port {siloPort}, gateway port {gatewayPort}");
        }

        var members = await PollAsync(
            () => MembersAsync(clusterId),
            rows => ports.Values.All(p => rows.Any(r => r.Port == p && r.Status == Active)),
            "both silo processes to be Active in orleans_membership",
            JoinTimeout,
            rows => string.Join(", ", rows.Select(r => $"{r.Port}:{r.Status}")));
        Assert.All(members, m => Assert.Equal("127.0.0.1", m.Address));
        Assert.All(members, m => Assert.True(m.ProxyPort > 0, "every silo is a gateway"));
        Step("both silos Active in the membership table");

        // 2. A cluster client, configured the way the API configures its client.
        var client = await StartClientAsync(clusterId, serviceId);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var district = Fresh.District();

        // Territory grains refuse callers without a signed caller context: act as the district's administrator, signed
        // with the cluster secret the silo processes were given (so they verify it in another process).
        new CallerContext("cluster-test", Roles.DistrictAdmin, district).Enter(new CallerSigner(_clusterSecret));

        // The table says both joined; wait until the silo answering the client counts both as active too, since that view
        // is what placement chooses from.
        await PollAsync(
            async () => (await management.GetHosts(onlyActive: true)).Keys.Select(h => h.Endpoint.Port).Order().ToArray(),
            active => active.SequenceEqual(ports.Values.Order()),
            "the cluster to report both silos as active hosts",
            JoinTimeout,
            active => string.Join(", ", active));
        Step("client connected; the cluster reports two active hosts");

        // 3. A district and its streets, written through the client.
        var streets = Enumerable.Range(1, Streets).Select(i => district + i.ToString("000", CultureInfo.InvariantCulture)).ToArray();
        var created = await grains.GetGrain<ITerritoryGrain>(district).UpsertAsync(new TerritoryUpsert($"District {district}", null, []), null, false);
        Assert.Equal(UpsertOutcome.Created, created.Outcome);
        var results = await Task.WhenAll(streets.Select(code =>
            grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert(StreetName(code), null, []), null, false)));
        Assert.All(results, r => Assert.Equal(UpsertOutcome.Created, r.Outcome));
        Step($"district {district} and {Streets} streets written");

        // Which silo holds which node: Orleans' own activation report, from each silo's activation directory. Placement
        // weighs the silos' load as each silo last heard it (refreshed about once a second), so on a busy machine batch
        // after batch may land on one silo: while either silo holds none, add a batch of streets per probe (at most
        // MaxStreets in all, until SpreadTimeout), so that later batches are placed on fresher load figures.
        var codes = streets.Prepend(district).ToArray();
        var placement = await PollAsync(
            async () =>
            {
                var now = await TerritoryPlacementAsync(management, grains, codes);
                if (ports.Values.All(now.Values.Contains) || streets.Length + Streets > MaxStreets)
                {
                    return now;
                }

                var more = Enumerable.Range(streets.Length + 1, Streets).Select(i => district + i.ToString("000", CultureInfo.InvariantCulture)).ToArray();
                await Task.WhenAll(more.Select(code => grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert(StreetName(code), null, []), null, false)));
                streets = [.. streets, .. more];
                codes = streets.Prepend(district).ToArray();
                return await TerritoryPlacementAsync(management, grains, codes);
            },
            now => ports.Values.All(now.Values.Contains),
            "both silos to host territory nodes",
            SpreadTimeout,
            now => string.Join(", ", now.GroupBy(p => p.Value).Select(g => $"port {g.Key}: {g.Count()} of {codes.Length} node(s)")));

        log.WriteLine("placement: " + string.Join(", ", placement.GroupBy(p => p.Value).Select(g => $"port {g.Key}: {g.Count()} node(s)")));
        Assert.Equal(codes.Order(StringComparer.Ordinal), placement.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, port) in ports)
        {
            Assert.True(placement.Values.Contains(port), $"{name} (port {port}) hosts none of the {codes.Length} territory nodes: the cluster did not spread the work.");
        }

        // The stateless health grain answers from whichever silo the client's gateway is; collect what we see.
        var pings = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            pings.Add(await grains.GetGrain<IHealthGrain>(0).PingAsync());
        }

        log.WriteLine("health pings answered by: " + string.Join(", ", pings));
        Step("both silos host territory nodes");

        // 4. Kill the silo holding the most nodes, without any grace.
        var victimPort = placement.Values.GroupBy(p => p).OrderByDescending(g => g.Count()).First().Key;
        var victimName = ports.Single(p => p.Value == victimPort).Key;
        var victim = _silos.Single(s => s.Name == victimName);
        var survivorPort = ports.Values.Single(p => p != victimPort);
        var orphaned = placement.Where(p => p.Value == victimPort).Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        await victim.KillAsync();
        var killedAt = _clock.Elapsed;
        Step($"killed {victimName} (pid {victim.ProcessId}, exit code {victim.ExitCode}) holding {orphaned.Length} node(s)");

        // Every node is served again, with its data, once the cluster has dealt with the dead silo.
        foreach (var code in codes)
        {
            var snapshot = await RetryAsync(() => grains.GetGrain<ITerritoryGrain>(code).GetAsync(), $"reading {code} after the kill", killedAt);
            Assert.NotNull(snapshot);
            Assert.Equal(code, snapshot.Code);
            Assert.Equal(code == district ? $"District {district}" : StreetName(code), snapshot.Name);
            Assert.Equal(code == district ? TerritoryLevel.District : TerritoryLevel.Street, snapshot.Level);
            Assert.Equal(code == district ? null : district, snapshot.ParentCode);
            Assert.Equal(1, snapshot.Version);
        }

        Step($"all {codes.Length} nodes read back intact ({(_clock.Elapsed - killedAt).TotalSeconds:0.0} s after the kill)");

        var children = await RetryAsync(() => grains.GetGrain<ITerritoryGrain>(district).GetChildrenAsync(), "reading the district's children", killedAt);
        Assert.NotNull(children);
        Assert.Equal(streets, children.Select(c => c.Code).Order(StringComparer.Ordinal));

        // New writes work: a new street, and an update of a node that lived on the dead silo.
        var newStreet = district + (streets.Length + 1).ToString("000", CultureInfo.InvariantCulture);
        var added = await RetryAsync(
            () => grains.GetGrain<ITerritoryGrain>(newStreet).UpsertAsync(new TerritoryUpsert(StreetName(newStreet), null, []), null, false),
            $"creating {newStreet} after the kill",
            killedAt);
        Assert.Equal(UpsertOutcome.Created, added.Outcome);

        var moved = orphaned[0];
        var renamed = await RetryAsync(
            () => grains.GetGrain<ITerritoryGrain>(moved).UpsertAsync(new TerritoryUpsert(StreetName(moved) + " (renamed)", null, []), 1, false),
            $"updating {moved} after the kill",
            killedAt);
        Assert.Equal(UpsertOutcome.Updated, renamed.Outcome);
        Assert.Equal(2, renamed.Territory.Version);
        Step("new writes succeed after the kill");

        // The survivor declared the killed silo dead in the table, and now hosts every node itself.
        await PollAsync(
            () => MembersAsync(clusterId),
            rows => rows.Any(r => r.Port == victimPort && r.Status == Dead) && rows.Any(r => r.Port == survivorPort && r.Status == Active),
            $"{victimName} to be declared Dead in orleans_membership",
            DeathDeclarationTimeout,
            rows => string.Join(", ", rows.Select(r => $"{r.Port}:{r.Status}")));
        Step("the killed silo is Dead in the membership table");

        var after = await RetryAsync(() => TerritoryPlacementAsync(management, grains, codes), "reading placement after the kill", killedAt);
        Assert.All(orphaned, code => Assert.Equal(survivorPort, after[code]));
        Step($"the {orphaned.Length} orphaned node(s) now live on the survivor");

        // 5. The API as a pure client of the same cluster (GridGov__HostSilo=false).
        var bootstrapKey = "gg_bootstrap_cluster_test_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var api = new ClientModeApi(new Dictionary<string, string?>
        {
            ["GridGov:Auth:ClusterSecret"] = Convert.ToBase64String(_clusterSecret),
            ["GridGov:Auth:BootstrapApiKey"] = bootstrapKey,
            ["GridGov:Mode"] = "Cluster",
            ["GridGov:HostSilo"] = "false",
            ["GridGov:ConnectionString"] = Database.ConnectionString,
            ["GridGov:ClusterId"] = clusterId,
            ["GridGov:ServiceId"] = serviceId,
        });
        using var http = api.CreateClient();
        using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.True(ready.StatusCode == HttpStatusCode.OK, $"/health/ready answered {(int)ready.StatusCode}: {await ready.Content.ReadAsStringAsync()}");
        http.DefaultRequestHeaders.Add("X-Api-Key", bootstrapKey);
        using var node = await http.GetAsync(new Uri($"/api/v1/territory/{moved}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, node.StatusCode);
        var json = await node.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(moved, json.GetProperty("code").GetString());
        Assert.Equal(StreetName(moved) + " (renamed)", json.GetProperty("name").GetString());
        Assert.Equal(2, json.GetProperty("version").GetInt64());
        Step("the API in client mode is ready and serves a node");

        // The client-mode API's dashboard answers from the dashboard grains of the silo processes, which count the
        // silos on their first collection round.
        await Eventually.MatchesAsync(
            async () =>
            {
                using var dashboard = await http.GetAsync(new Uri("/dashboard/DashboardCounters", UriKind.Relative));
                return ((int)dashboard.StatusCode, await dashboard.Content.ReadAsStringAsync());
            },
            r => r.Item1 == 200 && JsonDocument.Parse(r.Item2).RootElement.GetProperty("totalActiveHostCount").GetInt32() >= 1,
            "the dashboard to count the surviving silo",
            describe: r => $"{r.Item1}: {r.Item2[..Math.Min(r.Item2.Length, 300)]}");
        Step("the API in client mode serves the Orleans Dashboard's data");
    }
}
