using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace GridGov.IntakeBenchmark;

/// <summary>One app's measured run.</summary>
public sealed record AppRun(
    string App,
    int Round,
    LoadResult Load,
    CpuUse Cpu,
    string LoadAverageBefore,
    TimeSpan Startup,
    long? Projected,
    long? BacklogAtEnd,
    TimeSpan? CatchUp,
    IReadOnlyList<string> Details)
{
    /// <summary>The open-loop phase at a fixed rate after the measured window, when it ran.</summary>
    public PacedResult? Paced { get; init; }

    /// <summary>How many headless silo processes served the API (a cluster client); null when the API hosted its silo.</summary>
    public int? Silos { get; init; }
}

/// <summary>Runs each app in its own process on its own fresh database of the shared PostgreSQL, loads it, measures it.</summary>
public sealed partial class Runner(BenchmarkOptions options, PostgresServer postgres, string logFolder, District district)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ProjectionTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The ceiling's closed-loop req/s by round: the paced phases of that round run at a fraction of it.</summary>
    private readonly Dictionary<int, double> _ceilingRate = [];

    /// <summary>
    /// The ceiling's run, and when the read paths are measured the hello-world's run in the same process after it. With
    /// <paramref name="helloOnly"/>, the hello-world alone (<c>hello-after</c>), measured again once the round's GridGov
    /// variants have run.
    /// </summary>
    public async Task<IReadOnlyList<AppRun>> RunCeilingAsync(int round, CancellationToken cancellationToken, bool helloOnly = false)
    {
        var database = helloOnly ? $"ceiling_r{round}_after" : $"ceiling_r{round}";
        await postgres.CreateDatabaseAsync(database, cancellationToken);
        try
        {
            var loadAverage = LoadAverage();
            var (httpPort, siloPort, gatewayPort) = Ports();
            var (host, prefix) = SelfCommand();
            var environment = CommonEnvironment();
            environment["Ceiling__ConnectionString"] = postgres.ConnectionString(database)
                + (options.TunedCeiling ? ";No Reset On Close=true;Max Auto Prepare=64;Auto Prepare Min Usages=2" : "");
            environment["Ceiling__ClusterId"] = database;
            environment["Ceiling__SiloPort"] = Text(siloPort);
            environment["Ceiling__GatewayPort"] = Text(gatewayPort);
            await using var server = ServerProcess.Start(
                "ceiling", host, [.. prefix, CeilingServer.Command, "--urls", $"http://127.0.0.1:{httpPort}"], environment,
                logFolder, Path.Combine(logFolder, helloOnly ? $"hello-after-r{round}.log" : $"ceiling-r{round}.log"), new Uri($"http://127.0.0.1:{httpPort}"));
            var startup = await server.WaitReadyAsync("/health", StartTimeout, cancellationToken);
            Print($"ceiling (round {round}): ready in {startup.TotalSeconds:F1} s (pid {server.ProcessId}, log {server.LogPath})");

            if (helloOnly)
            {
                var after = await MeasureAsync("hello-after", server, database, new Dictionary<string, string>(), [new LoadRequest(new Uri(server.BaseAddress, "/hello"), null)], null, cancellationToken);
                return [new AppRun("hello-after", round, after.Load, after.Cpu, loadAverage, startup, null, null, null, after.Details)];
            }

            var requests = district.Requests(new Uri(server.BaseAddress, "/ceiling"), 4096, GridGovVariant.App, seed: round);
            await SmokeAsync(new Dictionary<string, string>(), requests[0], cancellationToken);
            var measured = await MeasureAsync("ceiling", server, database, new Dictionary<string, string>(), requests, null, cancellationToken);
            _ceilingRate[round] = measured.Load.Throughput;
            var paced = await PacedAsync("ceiling", round, new Dictionary<string, string>(), requests, cancellationToken);
            var details = new List<string>(measured.Details);
            details.AddRange(await StorageAsync(database, cancellationToken));
            var ceiling = new AppRun("ceiling", round, measured.Load, measured.Cpu, loadAverage, startup, null, null, null, details) { Paced = paced };
            if (!options.ReadsPaths)
            {
                return [ceiling];
            }

            var hello = await MeasureAsync("hello", server, database, new Dictionary<string, string>(), [new LoadRequest(new Uri(server.BaseAddress, "/hello"), null)], null, cancellationToken);
            return [ceiling, new AppRun("hello", round, hello.Load, hello.Cpu, LoadAverage(), startup, null, null, null, hello.Details)];
        }
        finally
        {
            await postgres.DropDatabaseAsync(database, CancellationToken.None);
        }
    }

    public async Task<AppRun> RunGridGovAsync(int round, GridGovVariant variant, CancellationToken cancellationToken)
    {
        var name = "gridgov-" + BenchmarkOptions.Name(variant);
        var database = $"gridgov_r{round}_{BenchmarkOptions.Name(variant).Replace('-', '_')}";
        await postgres.CreateDatabaseAsync(database, cancellationToken);
        try
        {
            var loadAverage = LoadAverage();
            var started = await StartGridGovAsync(name, database, round, cancellationToken, telemetry: variant != GridGovVariant.AppNoTelemetry);
            await using var server = started.Server;
            var (bootstrap, startup) = (started.Bootstrap, started.Startup);
            var key = await PrepareAsync(server.BaseAddress, bootstrap, variant, cancellationToken);
            var headers = new Dictionary<string, string> { ["X-Api-Key"] = key };
            if (variant == GridGovVariant.ReadCase)
            {
                // A case read is a personal-data read: an app states its purpose (docs/security.md, "Personal-data reads").
                headers["X-Purpose"] = "benchmark";
            }

            var requests = variant == GridGovVariant.ReadCase
                ? await ReportCasesToReadAsync(server.BaseAddress, headers, round, cancellationToken)
                : district.Requests(new Uri(server.BaseAddress, "/api/v1/cases"), 4096, variant, seed: round);
            await SmokeAsync(headers, requests[0], cancellationToken);
            var reports = BenchmarkOptions.IsRead(variant) ? 0 : 1;

            long? backlog = null;
            var measured = await MeasureAsync(name, server, database, headers, requests, async acknowledged =>
            {
                // Counted first, then the acknowledgements: an upper bound of the cases not yet in the read model.
                var projected = await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM gridgov_cases", CancellationToken.None);
                backlog = (reports * acknowledged()) + reports - projected;
            }, cancellationToken);

            // The read model must catch up with every acknowledged case (the load's and the smoke test's).
            long? projected = null;
            TimeSpan? catchUp = null;
            if (reports > 0)
            {
                var acknowledged = measured.Load.Acknowledged + 1;
                var (count, after) = await WaitForProjectionAsync(database, acknowledged, cancellationToken);
                (projected, catchUp) = (count, after);
                Print($"  read model: {count} of {acknowledged} acknowledged cases projected {(count >= acknowledged ? $"{after.TotalSeconds:F1} s after the load stopped" : $"(gave up after {after.TotalSeconds:F0} s)")}; at most {backlog} behind when the measured window ended");
                await ReadBackAsync(server.BaseAddress, bootstrap, cancellationToken);
            }

            var paced = variant is GridGovVariant.App or GridGovVariant.AppNoTelemetry ? await PacedAsync(name, round, headers, requests, cancellationToken) : null;

            var details = new List<string>(measured.Details);
            details.AddRange(await StorageAsync(database, cancellationToken));
            var audit = $"audit log rows: {await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM gridgov_audit_log", cancellationToken)}";
            Print("  " + audit);
            details.Add(audit);
            return new AppRun(name, round, measured.Load, measured.Cpu, loadAverage, startup, projected, backlog, catchUp, details) { Paced = paced };
        }
        finally
        {
            await postgres.DropDatabaseAsync(database, CancellationToken.None);
        }
    }

    /// <summary>
    /// The open-loop phase: the app, already warm, gets requests at a fixed fraction of the round's ceiling throughput,
    /// however fast it answers; latency counts from each request's scheduled time.
    /// </summary>
    private async Task<PacedResult?> PacedAsync(
        string name, int round, IReadOnlyDictionary<string, string> headers, IReadOnlyList<LoadRequest> requests, CancellationToken cancellationToken)
    {
        if (options.PacedSeconds == 0 || !_ceilingRate.TryGetValue(round, out var ceiling))
        {
            return null;
        }

        var rate = Math.Round(ceiling * options.PacedFraction);
        Print($"{name}: paced at {rate:F0} req/s ({options.PacedFraction:0.##} × the ceiling's {ceiling:F0}) for {options.PacedSeconds} s, {options.Connections} connections at most");
        var result = await new PacedLoad(headers, requests, options.Connections).RunAsync(rate, TimeSpan.FromSeconds(options.PacedSeconds), cancellationToken);
        Print($"{name}: paced: {result.Completed} of {result.Sent} answered ({result.AchievedPerSecond:F0} req/s), p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms, max {result.MaxMs:F0} ms, errors {result.Errors}; the generator started requests late by p99 {result.LagP99Ms:F1} ms, max {result.LagMaxMs:F0} ms"
            + (result.FellBehind ? $"; stopped early: the answers fell more than {PacedLoad.MaxBacklog.TotalSeconds:F0} s behind the schedule" : ""));
        return result;
    }

    /// <summary>Starts GridGov's API (Cluster mode, co-hosted silo) on <paramref name="database"/>, rate limits lifted; the caller disposes it.</summary>
    private async Task<(ServerProcess Server, string Bootstrap, TimeSpan Startup)> StartGridGovAsync(
        string name, string database, int round, CancellationToken cancellationToken, bool telemetry = true)
    {
        var (httpPort, siloPort, gatewayPort) = Ports();
        var secrets = ClusterSecrets.New();
        var bootstrap = secrets.Bootstrap;
        var environment = GridGovEnvironment(database, secrets);
        environment["GridGov__SiloPort"] = Text(siloPort);
        environment["GridGov__GatewayPort"] = Text(gatewayPort);
        environment["GridGov__MigrateOnStart"] = "true";
        if (!telemetry)
        {
            // An API built before this switch ignores it (and keeps its telemetry on).
            environment["GridGov__Telemetry__Enabled"] = "false";
        }
        RequireFile(options.ApiDll, "src/Api");

        var server = ServerProcess.Start(
            name, DotnetHost(), [options.ApiDll, "--urls", $"http://127.0.0.1:{httpPort}"], environment,
            logFolder, Path.Combine(logFolder, $"{name}-r{round}.log"), new Uri($"http://127.0.0.1:{httpPort}"));
        try
        {
            var startup = await server.WaitReadyAsync("/health/ready", StartTimeout, cancellationToken);
            Print($"{name} (round {round}): ready in {startup.TotalSeconds:F1} s (pid {server.ProcessId}, log {server.LogPath})");
            return (server, bootstrap, startup);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task<(LoadResult Load, CpuUse Cpu, IReadOnlyList<string> Details)> MeasureAsync(
        string name, ServerProcess server, string database, IReadOnlyDictionary<string, string> headers,
        IReadOnlyList<LoadRequest> requests, Func<Func<long>, Task>? atEnd, CancellationToken cancellationToken, IReadOnlyList<int>? siloPids = null)
    {
        var load = new LoadGenerator(headers, requests, options.Connections);
        Task<string?>? trace = null;
        CpuSnapshot? before = null;
        CpuUse? cpu = null;
        var details = new List<string>();
        Print($"{name}: {options.Connections} connections, warm-up {options.Warmup.TotalSeconds:F0} s, then {options.Duration.TotalSeconds:F0} s measured");
        var result = await load.RunAsync(
            options.Warmup,
            options.Duration,
            async () =>
            {
                if (options.Profile)
                {
                    await postgres.ExecuteAsync("postgres", "SELECT pg_stat_statements_reset()", CancellationToken.None);
                }

                before = CpuSnapshot.Take(server.ProcessId, postgres.ProcessId, siloPids);
                if (options.TraceTool is { } tool)
                {
                    trace = TraceAsync(tool, server, CancellationToken.None);
                }
            },
            async () =>
            {
                cpu = CpuSnapshot.Take(server.ProcessId, postgres.ProcessId, siloPids).Since(before!);
                if (options.Profile)
                {
                    details.AddRange(await StatementsAsync(database, CancellationToken.None));
                }

                if (atEnd is not null)
                {
                    await atEnd(() => load.Acknowledged);
                }
            },
            Print,
            cancellationToken);

        if (server.HasExited)
        {
            throw new InvalidOperationException($"{name} exited during the load; see {server.LogPath}:\n{server.Tail()}");
        }

        if (trace is not null && await trace is { } report)
        {
            details.Add($"CPU sample report (traced: this run's figures are perturbed): {report}");
        }

        var perRequest = result.Completed == 0 ? 0 : 1_000_000 / result.Throughput;
        Print($"{name}: {result.Throughput:F0} req/s, p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms, p99.9 {result.P999Ms:F1} ms, max {result.MaxMs:F0} ms, "
            + $"errors {result.Errors} (warm-up {result.WarmupErrors}){(result.FirstError is null ? "" : $", first: {result.FirstError}")}");
        if (cpu!.Silos.Count > 0)
        {
            Print($"  CPU (cores): silos {cpu.SiloSum:F2} ({string.Join(" + ", cpu.Silos.Select(c => c.ToString("F2", CultureInfo.InvariantCulture)))}), API {cpu.Server:F2}  → per request: silos {cpu.SiloSum * perRequest:F0} µs, API {cpu.Server * perRequest:F0} µs");
        }

        Print($"  CPU (cores): {(cpu.Silos.Count > 0 ? "API" : "server")} {cpu.Server:F2}, PostgreSQL {cpu.Postgres:F2}, load generator {cpu.Load:F2}, other processes {cpu.Other:F2}, machine {cpu.Machine:F2} of {Environment.ProcessorCount}"
            + $"  → per request: server {cpu.Server * perRequest:F0} µs, PostgreSQL {cpu.Postgres * perRequest:F0} µs, load {cpu.Load * perRequest:F0} µs");
        Print($"  req/s per 10 s (warm-up included): {string.Join(' ', result.Slices(10).Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}");
        foreach (var line in details)
        {
            Print("  " + line);
        }

        return (result, cpu, details);
    }

    /// <summary>Samples the server's threads for up to 30 s and writes dotnet-trace's top-N reports next to its log.</summary>
    private async Task<string?> TraceAsync(string tool, ServerProcess server, CancellationToken cancellationToken)
    {
        var seconds = (int)Math.Min(30, options.Duration.TotalSeconds - 2);
        if (seconds < 5)
        {
            return null;
        }

        var file = Path.ChangeExtension(server.LogPath, ".nettrace");
        var collect = await Tool.RunAsync(
            tool,
            ["collect", "-p", Text(server.ProcessId), "--profile", "dotnet-sampled-thread-time", "--duration", $"00:00:00:{seconds:00}", "-o", file],
            TimeSpan.FromSeconds(seconds + 120), cancellationToken, throwOnError: false);
        if (collect.ExitCode != 0 || !File.Exists(file))
        {
            return $"dotnet-trace failed: {collect.Output}";
        }

        var report = Path.ChangeExtension(server.LogPath, ".trace.txt");
        var exclusive = await Tool.RunAsync(tool, ["report", file, "topN", "-n", "60"], TimeSpan.FromMinutes(5), cancellationToken, throwOnError: false);
        var inclusive = await Tool.RunAsync(tool, ["report", file, "topN", "-n", "120", "--inclusive"], TimeSpan.FromMinutes(5), cancellationToken, throwOnError: false);
        await File.WriteAllTextAsync(report, $"# exclusive\n{exclusive.Output}\n# inclusive\n{inclusive.Output}\n", cancellationToken);
        return report;
    }

    private async Task<string> PrepareAsync(Uri baseAddress, string bootstrap, GridGovVariant variant, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("X-Api-Key", bootstrap);

        var started = Stopwatch.StartNew();
        var imported = await ImportDistrictAsync(http, cancellationToken);
        using (var result = JsonDocument.Parse(imported))
        {
            // A retried import finds what the first attempt wrote already: unchanged counts as there.
            var created = result.RootElement.GetProperty("created").GetArrayLength() + result.RootElement.GetProperty("unchanged").GetArrayLength();
            var rejected = result.RootElement.GetProperty("rejected");
            if (rejected.GetArrayLength() > 0 || created != 7 + district.GridCodes.Count)
            {
                throw new InvalidOperationException($"The territory import created {created} nodes and rejected some: {rejected}");
            }

            Print($"  imported district {District.Code}: {created} nodes ({district.GridCodes.Count} grids) in {started.Elapsed.TotalSeconds:F1} s");
        }

        if (variant is GridGovVariant.Operator or GridGovVariant.OperatorGridCode)
        {
            return bootstrap;
        }

        using var issued = await http.PostAsJsonAsync("/api/v1/api-keys", new { name = "intake-benchmark", role = "app", scope = District.Code }, cancellationToken);
        var body = await issued.Content.ReadAsStringAsync(cancellationToken);
        if (!issued.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Issuing the app key answered {(int)issued.StatusCode}: {body}");
        }

        using var key = JsonDocument.Parse(body);
        return key.RootElement.GetProperty("key").GetString()!;
    }

    private static async Task SmokeAsync(IReadOnlyDictionary<string, string> headers, LoadRequest first, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        using var request = new HttpRequestMessage(first.Body is null ? HttpMethod.Get : HttpMethod.Post, first.Target);
        if (first.Body is not null)
        {
            request.Content = new ByteArrayContent(first.Body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{request.Method} {first.Target} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private async Task<(long Projected, TimeSpan After)> WaitForProjectionAsync(string database, long acknowledged, CancellationToken cancellationToken)
    {
        var waited = Stopwatch.StartNew();
        long projected = -1;
        var lastChange = Stopwatch.StartNew();
        while (waited.Elapsed < ProjectionTimeout && lastChange.Elapsed < TimeSpan.FromSeconds(30))
        {
            var now = await postgres.ScalarAsync<long>(database, "SELECT count(*) FROM gridgov_cases", cancellationToken);
            if (now != projected)
            {
                (projected, lastChange) = (now, Stopwatch.StartNew());
            }

            if (projected >= acknowledged)
            {
                break;
            }

            await Task.Delay(250, cancellationToken);
        }

        return (projected, waited.Elapsed);
    }

    /// <summary>The newest case through the API's own list (read model), as an operator sees it.</summary>
    private static async Task ReadBackAsync(Uri baseAddress, string bootstrap, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", bootstrap);
        using var response = await http.GetAsync("/api/v1/cases?limit=1", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        using var page = JsonDocument.Parse(body);
        var items = page.RootElement.GetProperty("items");
        Print(items.GetArrayLength() == 1
            ? $"  GET /api/v1/cases?limit=1 → {(int)response.StatusCode}, newest case {items[0].GetProperty("id").GetString()}"
            : $"  GET /api/v1/cases?limit=1 → {(int)response.StatusCode}, no case: {body}");
    }

    private async Task<IReadOnlyList<string>> StorageAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = await postgres.OpenAsync(database, cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT grain_type, count(*), coalesce(avg(octet_length(payload)), 0)::bigint, coalesce(max(octet_length(payload)), 0), max(version)
            FROM orleans_storage GROUP BY grain_type ORDER BY count(*) DESC LIMIT 8
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<string> { "grain state rows (type: rows, average/max payload bytes, max version):" };
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add($"  {reader.GetString(0)}: {reader.GetInt64(1)} rows, {reader.GetInt64(2)}/{reader.GetInt32(3)} B, v{reader.GetInt32(4)}");
        }

        foreach (var line in lines)
        {
            Print("  " + line);
        }

        return lines;
    }

    private async Task<IReadOnlyList<string>> StatementsAsync(string database, CancellationToken cancellationToken)
    {
        await using var connection = await postgres.OpenAsync("postgres", cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT sum(s.calls)::bigint, sum(s.total_exec_time), sum(s.rows)::bigint, left(regexp_replace(s.query, '\s+', ' ', 'g'), 100) AS statement
            FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = @database
            GROUP BY statement ORDER BY 2 DESC LIMIT 12
            """, connection);
        command.Parameters.AddWithValue("database", database);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var seconds = options.Duration.TotalSeconds;
        var lines = new List<string> { "PostgreSQL statements in the measured window (calls/s, rows/s, execution ms per s, mean ms, statement):" };
        while (await reader.ReadAsync(cancellationToken))
        {
            var calls = reader.GetInt64(0);
            var total = reader.GetDouble(1);
            lines.Add($"  {calls / seconds,7:F0}/s {reader.GetInt64(2) / seconds,7:F0} rows/s {total / seconds,6:F0} ms/s {total / Math.Max(1, calls),6:F3} ms  {reader.GetString(3)}");
        }

        return lines;
    }

    private Dictionary<string, string> CommonEnvironment() => new()
    {
        ["DOTNET_gcServer"] = "1",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = options.LogLevel,
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    private static (int Http, int Silo, int Gateway) Ports()
    {
        var ports = FreePorts.Take(3);
        return (ports[0], ports[1], ports[2]);
    }

    /// <summary>How to run this assembly again (the ceiling server is its sub-command): with the dotnet host, like the API.</summary>
    private static (string Host, string[] Prefix) SelfCommand() => (DotnetHost(), [typeof(Runner).Assembly.Location]);

    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
    }

    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Print(string line) => Program.Print(line);
}
