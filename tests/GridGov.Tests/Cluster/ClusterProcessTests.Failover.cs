using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using GridGov.Contracts.Security;
using GridGov.Contracts.Territory;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Cluster;

/// <summary>
/// A silo killed under load (docs/operations.md, "A silo killed"): three silo processes with GridGov's default failure
/// detection, the API as a cluster client, a few clients reporting cases; one silo is killed without grace. No 500,
/// every failure a 503 with Retry-After, every acknowledged case readable with its acknowledged state, and the
/// failures confined to a short window after the kill.
/// </summary>
public sealed partial class ClusterProcessTests
{
    /// <summary>The promise is 10 s (measured in docs/operations.md); the suite allows more on a machine it shares.</summary>
    private static readonly TimeSpan FailureWindowBudget = TimeSpan.FromSeconds(15);

    private static int LoadSetting(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;

    [Fact]
    public async Task A_silo_killed_under_intake_loses_no_acknowledged_case_and_fails_requests_briefly_with_503()
    {
        // Shortened for the suite; GRIDGOV_FAILOVER_* lengthen it for the runs in docs/operations.md.
        var clients = LoadSetting("GRIDGOV_FAILOVER_CLIENTS", 4);
        var before = TimeSpan.FromSeconds(LoadSetting("GRIDGOV_FAILOVER_BEFORE_SECONDS", 5));
        var after = TimeSpan.FromSeconds(LoadSetting("GRIDGOV_FAILOVER_AFTER_SECONDS", 15));

        var clusterId = "failover-" + Guid.NewGuid().ToString("N");
        var serviceId = "svc-" + Guid.NewGuid().ToString("N");
        var migrate = await SiloProcess.RunAsync("migrate", ClusterEnvironment(clusterId, serviceId, null, null), ProcessExitTimeout, "migrate");
        Assert.True(migrate.ExitCode == 0, $"migrate exited with {migrate.ExitCode}.\n{migrate.Output}");

        try
        {
            await RunFailoverAsync(clusterId, serviceId, clients, before, after);
        }
        catch (Exception e)
        {
            throw new ClusterTestFailure(e, _silos.Select(s => s.Output));
        }
    }

    private async Task RunFailoverAsync(string clusterId, string serviceId, int clients, TimeSpan before, TimeSpan after)
    {
        // 1. Three silos with GridGov's own failure-detection defaults (not the quicker ones the other test uses).
        var ports = new Dictionary<string, int>();
        foreach (var name in new[] { "silo-1", "silo-2", "silo-3" })
        {
            var siloPort = Fresh.Port();
            var environment = ClusterEnvironment(clusterId, serviceId, siloPort, Fresh.Port());
            environment.Remove("GridGov__Membership__ProbeTimeout");
            environment.Remove("GridGov__Membership__NumMissedProbesLimit");
            _silos.Add(SiloProcess.Start(name, environment));
            ports[name] = siloPort;
        }

        await PollAsync(
            () => MembersAsync(clusterId),
            rows => ports.Values.All(p => rows.Any(r => r.Port == p && r.Status == Active)),
            "three silo processes to be Active",
            JoinTimeout,
            rows => string.Join(", ", rows.Select(r => $"{r.Port}:{r.Status}")));
        Step("three silos Active");

        // 2. A district with a few grids, and the API as a pure cluster client.
        var client = await StartClientAsync(clusterId, serviceId);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var grids = await CreateGridsAsync(grains, 8);
        using var http = StartClientApi(clusterId, serviceId);
        await WaitForActiveSilosAsync(http, 3);
        Step("the API (cluster client) sees three active silos");

        // 4. Steady intake, then the kill, then more intake.
        var outcomes = new ConcurrentBag<Outcome>();
        using var stop = new CancellationTokenSource();
        var reporters = Enumerable.Range(0, clients).Select(i => Task.Run(() => ReportUntilAsync(http, grids, i, outcomes, stop.Token))).ToArray();
        await Task.Delay(before);
        var busiest = await SiloWithMostGrainsAsync(management);
        var victimName = ports.Single(p => p.Value == busiest.Port).Key;
        var victim = _silos.Single(s => s.Name == victimName);
        await victim.KillAsync();
        var killedAt = _clock.Elapsed.TotalSeconds;
        Step($"killed {victimName} (pid {victim.ProcessId}) holding {busiest.Grains} GridGov activation(s); {outcomes.Count(o => o.Status == 201)} reports acknowledged so far");
        await Task.Delay(after);
        await stop.CancelAsync();
        await Task.WhenAll(reporters);

        var all = outcomes.OrderBy(o => o.At).ToArray();
        var failed = all.Where(o => o.Status is < 200 or > 299).ToArray();
        var acknowledged = all.Where(o => o.Status == 201).ToArray();
        var window = failed.Length == 0 ? 0 : failed.Max(o => o.At) - killedAt;
        log.WriteLine(FormattableString.Invariant(
            $"{all.Length} reports, {acknowledged.Length} acknowledged, {failed.Length} failed ({string.Join(", ", failed.GroupBy(f => f.Status).Select(g => $"{g.Count()}×{g.Key}"))}); failures from {(failed.Length == 0 ? 0 : failed.Min(o => o.At) - killedAt):0.0} s to {window:0.0} s after the kill"));
        var unexpected = failed.Where(f => f.Status != 503 || !f.RetryAfter).ToArray();
        Assert.True(unexpected.Length == 0, "Failures other than a 503 with Retry-After: " + string.Join("; ", unexpected.Take(5).Select(f => $"{f.Status} at {f.At - killedAt:0.0} s: {f.Error}")));
        Assert.True(failed.All(f => f.At >= killedAt), "A request failed before the kill.");
        Assert.True(window <= FailureWindowBudget.TotalSeconds, $"Requests failed until {window:0.0} s after the kill (budget {FailureWindowBudget.TotalSeconds} s).");
        Assert.True(acknowledged.Count(a => a.At > killedAt + window) > 0, "No report was acknowledged after the failures ended.");

        // 5. Every acknowledged case reads back with the state and version it was acknowledged with.
        var lost = new List<string>();
        foreach (var chunk in acknowledged.Chunk(16))
        {
            await Task.WhenAll(chunk.Select(async a =>
            {
                using var read = await http.GetAsync(new Uri($"/api/v1/cases/{a.CaseId}", UriKind.Relative));
                var body = await read.Content.ReadAsStringAsync();
                if (read.StatusCode != HttpStatusCode.OK)
                {
                    lock (lost) { lost.Add($"{a.CaseId}: {(int)read.StatusCode}"); }
                    return;
                }

                var json = JsonDocument.Parse(body).RootElement;
                if (json.GetProperty("state").GetString() != a.State || json.GetProperty("version").GetInt64() != a.Version)
                {
                    lock (lost) { lost.Add($"{a.CaseId}: {json.GetProperty("state")} v{json.GetProperty("version")}, acknowledged {a.State} v{a.Version}"); }
                }
            }));
        }

        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Length} acknowledged case(s) not read back as acknowledged: {string.Join("; ", lost.Take(10))}");
        Step($"all {acknowledged.Length} acknowledged cases read back; failure window {window:0.0} s");

        // 6. The operator's view shows the two survivors and their gateways.
        var view = await Eventually.MatchesAsync(
            () => http.GetFromJsonAsync<JsonElement>("/api/v1/cluster"),
            v => v.GetProperty("activeSilos").GetInt32() == 2 && v.GetProperty("gateways").GetProperty("known").GetArrayLength() == 2,
            "the API to list two active silos and two gateways",
            JoinTimeout,
            v => v.ToString());
        Assert.Equal("client", view.GetProperty("gateways").GetProperty("mode").GetString());
    }

    private async Task ReportUntilAsync(HttpClient http, string[] grids, int client, ConcurrentBag<Outcome> outcomes, CancellationToken stop, bool readBack = false)
    {
        var random = new Random(client);
        while (!stop.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/cases")
            {
                Content = JsonContent.Create(new { category = "event.other", description = "failover load", source = "gridPatrol", gridCode = grids[random.Next(grids.Length)] }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
            try
            {
                using var response = await http.SendAsync(request, CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                var at = _clock.Elapsed.TotalSeconds;
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var json = JsonDocument.Parse(body).RootElement;
                    var id = json.GetProperty("id").GetString();
                    outcomes.Add(new Outcome(at, 201, id, json.GetProperty("state").GetString(), json.GetProperty("version").GetInt64(), false, null));
                    if (readBack)
                    {
                        // Reading the case activates its grain, so cases count in the silos' activations.
                        using var read = await http.GetAsync(new Uri($"/api/v1/cases/{id}", UriKind.Relative), CancellationToken.None);
                        var readBody = await read.Content.ReadAsStringAsync(CancellationToken.None);
                        if (read.StatusCode != HttpStatusCode.OK)
                        {
                            outcomes.Add(new Outcome(_clock.Elapsed.TotalSeconds, (int)read.StatusCode, null, null, 0, read.Headers.RetryAfter is not null, "read: " + readBody));
                        }
                    }
                }
                else
                {
                    outcomes.Add(new Outcome(at, (int)response.StatusCode, null, null, 0, response.Headers.RetryAfter is not null, body));
                }
            }
            catch (Exception e)
            {
                outcomes.Add(new Outcome(_clock.Elapsed.TotalSeconds, -1, null, null, 0, false, e.GetType().Name + ": " + e.Message));
            }
        }
    }

    /// <summary>A district with one street, one community and the given number of grids, written as its administrator.</summary>
    private async Task<string[]> CreateGridsAsync(IClusterClient grains, int count)
    {
        var district = Fresh.District();
        new CallerContext("cluster-test", Roles.DistrictAdmin, district).Enter(new CallerSigner(_clusterSecret));
        var community = district + "001001";
        var grids = Enumerable.Range(1, count).Select(i => community + i.ToString("000", CultureInfo.InvariantCulture)).ToArray();
        foreach (var code in new[] { district, district + "001", community }.Concat(grids))
        {
            await grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert("Node " + code, null, []), null, false);
        }

        return grids;
    }

    /// <summary>The API as a cluster client (HostSilo=false), with an operator key and no rate limit to speak of.</summary>
    private HttpClient StartClientApi(string clusterId, string serviceId)
    {
        var bootstrapKey = "gg_bootstrap_cluster_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var api = new ClientModeApi(new Dictionary<string, string?>
        {
            ["GridGov:Auth:ClusterSecret"] = Convert.ToBase64String(_clusterSecret),
            ["GridGov:Auth:BootstrapApiKey"] = bootstrapKey,
            ["GridGov:Mode"] = "Cluster",
            ["GridGov:HostSilo"] = "false",
            ["GridGov:ConnectionString"] = Database.ConnectionString,
            ["GridGov:ClusterId"] = clusterId,
            ["GridGov:ServiceId"] = serviceId,
            ["GridGov:Auth:RateLimits:operator:PermitsPerSecond"] = "100000",
            ["GridGov:Auth:RateLimits:operator:Burst"] = "100000",
        });
        _cleanup.Add(api);
        var http = api.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", bootstrapKey);
        return http;
    }

    private static Task WaitForActiveSilosAsync(HttpClient http, int count) =>
        Eventually.TrueAsync(
            async () => (await http.GetFromJsonAsync<JsonElement>("/api/v1/cluster")).GetProperty("activeSilos").GetInt32() == count,
            $"the API to see {count} active silos",
            JoinTimeout);

    private static async Task<(int Port, int Grains)> SiloWithMostGrainsAsync(IManagementGrain management)
    {
        var statistics = await management.GetSimpleGrainStatistics();
        return statistics
            // Case reception writes a new case without activating its grain, so count every GridGov grain (grids' views,
            // territory nodes, indicators, cases that were read).
            .Where(s => s.GrainType.StartsWith("GridGov.", StringComparison.Ordinal))
            .GroupBy(s => s.SiloAddress.Endpoint.Port)
            .Select(g => (Port: g.Key, Grains: g.Sum(s => s.ActivationCount)))
            .OrderByDescending(s => s.Grains)
            .First();
    }

    private sealed record Outcome(double At, int Status, string? CaseId, string? State, long Version, bool RetryAfter, string? Error);
}
