using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace GridGov.IntakeBenchmark;

/// <summary>The secrets every process of one GridGov cluster shares (fresh for each run).</summary>
public sealed record ClusterSecrets(string ClusterSecret, string Bootstrap)
{
    public static ClusterSecrets New() => new(
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        "gg_bootstrap_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)));
}

/// <summary>
/// The <c>--silos</c> runs: GridGov as <c>scripts/cluster.sh</c> runs it, N headless silo processes (src/Silo) and the
/// API as a pure cluster client (<c>GridGov:HostSilo=false</c>), on a fresh database of the benchmark's PostgreSQL,
/// under the same load as the co-hosted run; the CPU of each silo is measured apart.
/// </summary>
public sealed partial class Runner
{
    private static readonly string[] Roles = ["app", "operator", "anonymous"];
    private static readonly TimeSpan ClusterFormTimeout = TimeSpan.FromSeconds(90);

    public async Task<AppRun> RunSilosAsync(int round, int silos, CancellationToken cancellationToken)
    {
        var name = $"gridgov-silos-{silos}";
        var database = $"gridgov_r{round}_silos{silos}";
        await postgres.CreateDatabaseAsync(database, cancellationToken);
        try
        {
            var loadAverage = LoadAverage();
            var started = Stopwatch.StartNew();
            await using var cluster = await StartClusterAsync(name, database, round, silos, cancellationToken);
            var server = cluster.Api!;
            var startup = started.Elapsed;
            var key = await PrepareAsync(server.BaseAddress, cluster.Bootstrap, GridGovVariant.App, cancellationToken);
            var headers = new Dictionary<string, string> { ["X-Api-Key"] = key };
            var requests = district.Requests(new Uri(server.BaseAddress, "/api/v1/cases"), 4096, GridGovVariant.App, seed: round);
            await SmokeAsync(headers, requests[0], cancellationToken);

            var siloPids = cluster.Silos.Select(s => s.ProcessId).ToArray();
            var measured = await MeasureAsync(name, server, database, headers, requests, null, cancellationToken, siloPids);
            if (cluster.Silos.FirstOrDefault(s => s.HasExited) is { } dead)
            {
                throw new InvalidOperationException($"{dead.Name} exited during the load; see {dead.LogPath}:\n{dead.Tail()}");
            }

            var details = new List<string>(measured.Details) { await ActivationsAsync(server.BaseAddress, cluster.Bootstrap, cancellationToken) };
            Print("  " + details[^1]);

            var acknowledged = measured.Load.Acknowledged + 1;
            var (projected, catchUp) = await WaitForProjectionAsync(database, acknowledged, cancellationToken);
            Print($"  read model: {projected} of {acknowledged} acknowledged cases projected {(projected >= acknowledged ? $"{catchUp.TotalSeconds:F1} s after the load stopped" : $"(gave up after {catchUp.TotalSeconds:F0} s)")}");
            var paced = await PacedAsync(name, round, headers, requests, cancellationToken);
            return new AppRun(name, round, measured.Load, measured.Cpu, loadAverage, startup, projected, null, catchUp, details) { Paced = paced, Silos = silos };
        }
        finally
        {
            await postgres.DropDatabaseAsync(database, CancellationToken.None);
        }
    }

    /// <summary>
    /// <c>migrate</c> with the silo executable, then the silos (each ready on its health port, all of them Active in the
    /// cluster), then the API as a client that knows every silo's gateway. The caller disposes it.
    /// </summary>
    private async Task<Cluster> StartClusterAsync(string name, string database, int round, int silos, CancellationToken cancellationToken)
    {
        RequireFile(options.SiloDll, "src/Silo");
        RequireFile(options.ApiDll, "src/Api");
        var secrets = ClusterSecrets.New();
        var shared = GridGovEnvironment(database, secrets);
        await Tool.RunAsync(DotnetHost(), [options.SiloDll, "migrate"], TimeSpan.FromMinutes(2), cancellationToken, environment: shared);

        var cluster = new Cluster(secrets.Bootstrap);
        try
        {
            for (var i = 1; i <= silos; i++)
            {
                var ports = FreePorts.Take(3);
                var environment = new Dictionary<string, string>(shared)
                {
                    ["GridGov__SiloPort"] = Text(ports[0]),
                    ["GridGov__GatewayPort"] = Text(ports[1]),
                    ["GridGov__HealthPort"] = Text(ports[2]),
                    // Server GC by default, like the API here; the silo build's own default is workstation GC (--silo-gc).
                    ["DOTNET_gcServer"] = options.SiloServerGc ? "1" : "0",
                };
                cluster.Silos.Add(ServerProcess.Start(
                    $"{name} silo {i}", DotnetHost(), [options.SiloDll], environment, logFolder,
                    Path.Combine(logFolder, $"{name}-r{round}-silo{i}.log"), new Uri($"http://127.0.0.1:{ports[2]}")));
            }

            foreach (var silo in cluster.Silos)
            {
                var ready = await silo.WaitReadyAsync("/health/ready", StartTimeout, cancellationToken);
                Print($"{silo.Name} (round {round}): ready in {ready.TotalSeconds:F1} s (pid {silo.ProcessId}, log {silo.LogPath})");
            }

            var httpPort = FreePorts.Take(1)[0];
            var api = new Dictionary<string, string>(shared) { ["GridGov__HostSilo"] = "false" };
            var client = cluster.Api = ServerProcess.Start(
                $"{name} API", DotnetHost(), [options.ApiDll, "--urls", $"http://127.0.0.1:{httpPort}"], api,
                logFolder, Path.Combine(logFolder, $"{name}-r{round}-api.log"), new Uri($"http://127.0.0.1:{httpPort}"));
            var startup = await client.WaitReadyAsync("/health/ready", StartTimeout, cancellationToken);
            Print($"{name} API (round {round}): ready in {startup.TotalSeconds:F1} s (pid {client.ProcessId}, log {client.LogPath})");
            await WaitForGatewaysAsync(client.BaseAddress, secrets.Bootstrap, silos, cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the API sees every silo Active and lists every silo's gateway, so the load reaches them all.</summary>
    private static async Task WaitForGatewaysAsync(Uri baseAddress, string bootstrap, int silos, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", bootstrap);
        var waited = Stopwatch.StartNew();
        var last = "";
        while (waited.Elapsed < ClusterFormTimeout)
        {
            using var response = await http.GetAsync("/api/v1/cluster", cancellationToken);
            last = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                using var view = JsonDocument.Parse(last);
                var active = view.RootElement.GetProperty("activeSilos").GetInt32();
                var known = view.RootElement.GetProperty("gateways").GetProperty("known").GetArrayLength();
                if (active == silos && known == silos)
                {
                    Print($"  cluster: {active} active silos, the API knows {known} gateways ({waited.Elapsed.TotalSeconds:F1} s)");
                    return;
                }
            }

            await Task.Delay(500, cancellationToken);
        }

        throw new TimeoutException($"The cluster did not show {silos} active silos and gateways within {ClusterFormTimeout.TotalSeconds:F0} s: {last}");
    }

    /// <summary>GridGov's activations per silo after the load, from the API's cluster view (how the work spread).</summary>
    private static async Task<string> ActivationsAsync(Uri baseAddress, string bootstrap, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", bootstrap);
        using var response = await http.GetAsync("/api/v1/cluster", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return $"activations per silo: GET /api/v1/cluster answered {(int)response.StatusCode}";
        }

        using var view = JsonDocument.Parse(body);
        var silos = view.RootElement.GetProperty("silos").EnumerateArray().Select(s =>
        {
            var gridGov = s.GetProperty("activations").EnumerateArray()
                .Where(a => a.GetProperty("grainType").GetString()?.StartsWith("GridGov.", StringComparison.Ordinal) == true)
                .Sum(a => a.GetProperty("count").GetInt32());
            return $"{s.GetProperty("address").GetString()} {s.GetProperty("activationCount").GetInt32()} ({gridGov} GridGov)";
        });
        return $"activations per silo after the load: {string.Join(", ", silos)}";
    }

    /// <summary>
    /// The district's import, tried again (up to 3 times) when the API answers 503: on a machine this busy a cluster
    /// that has just formed can miss a call's deadline, which is the answer GridGov gives for it. The import is
    /// idempotent, so a retry finds the nodes the first attempt wrote unchanged.
    /// </summary>
    private async Task<string> ImportDistrictAsync(HttpClient http, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var import = await http.PostAsync(
                "/api/v1/territory/import", new StringContent(district.GeoJson(), System.Text.Encoding.UTF8, "application/json"), cancellationToken);
            var body = await import.Content.ReadAsStringAsync(cancellationToken);
            if (import.IsSuccessStatusCode)
            {
                return body;
            }

            if (import.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 3)
            {
                throw new InvalidOperationException($"The territory import answered {(int)import.StatusCode}: {body}");
            }

            Print($"  the territory import answered 503 (attempt {attempt}); trying again in 5 s");
            await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        }
    }

    /// <summary>The settings every GridGov process of a run shares: Cluster mode on its own database and ids, rate limits lifted.</summary>
    private Dictionary<string, string> GridGovEnvironment(string database, ClusterSecrets secrets)
    {
        var environment = CommonEnvironment();
        environment["GridGov__Mode"] = "Cluster";
        environment["GridGov__ConnectionString"] = postgres.ConnectionString(database);
        environment["GridGov__ClusterId"] = database;
        environment["GridGov__ServiceId"] = database;
        environment["GridGov__AdvertisedAddress"] = "127.0.0.1";
        environment["GridGov__Auth__ClusterSecret"] = secrets.ClusterSecret;
        environment["GridGov__Auth__BootstrapApiKey"] = secrets.Bootstrap;
        foreach (var role in Roles)
        {
            environment[$"GridGov__Auth__RateLimits__{role}__PermitsPerSecond"] = "100000000";
            environment[$"GridGov__Auth__RateLimits__{role}__Burst"] = "100000000";
        }

        return environment;
    }

    private static void RequireFile(string path, string project)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist: build {project} in this configuration (dotnet run -c Release builds it).");
        }
    }

    /// <summary>The silos and the API client of one run; disposing stops the API first, then the silos.</summary>
    private sealed class Cluster(string bootstrap) : IAsyncDisposable
    {
        public string Bootstrap { get; } = bootstrap;

        public List<ServerProcess> Silos { get; } = [];

        public ServerProcess? Api { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Api is not null)
            {
                await Api.DisposeAsync();
            }

            foreach (var silo in Silos)
            {
                await silo.DisposeAsync();
            }
        }
    }
}
