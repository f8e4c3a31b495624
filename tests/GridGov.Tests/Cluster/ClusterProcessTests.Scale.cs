using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Tests.Cluster;

/// <summary>
/// Scale out and in under load (docs/operations.md, "Scale out and in"): two silo processes, a third joins, then one of
/// the first two is stopped with SIGTERM. Not one request may fail, and after the join GridGov's balancer must bring
/// the grids' views and the cases' activations within ±25 % of the mean on every silo; the activations per silo
/// before and after are logged.
/// </summary>
public sealed partial class ClusterProcessTests
{
    [Fact]
    public async Task A_silo_joining_and_one_leaving_gracefully_under_load_fail_no_request_but_a_retryable_one_at_the_leave()
    {
        var clients = LoadSetting("GRIDGOV_SCALE_CLIENTS", 4);
        var before = TimeSpan.FromSeconds(LoadSetting("GRIDGOV_SCALE_BEFORE_SECONDS", 5));
        var grow = TimeSpan.FromSeconds(LoadSetting("GRIDGOV_SCALE_JOINED_SECONDS", 10));
        var after = TimeSpan.FromSeconds(LoadSetting("GRIDGOV_SCALE_AFTER_SECONDS", 5));
        var rebalance = Environment.GetEnvironmentVariable("GRIDGOV_SCALE_REBALANCE") == "true";
        var balance = Environment.GetEnvironmentVariable("GRIDGOV_SCALE_BALANCE") != "false";

        var clusterId = "scale-" + Guid.NewGuid().ToString("N");
        var serviceId = "svc-" + Guid.NewGuid().ToString("N");
        var migrate = await SiloProcess.RunAsync("migrate", ClusterEnvironment(clusterId, serviceId, null, null), ProcessExitTimeout, "migrate");
        Assert.True(migrate.ExitCode == 0, $"migrate exited with {migrate.ExitCode}.\n{migrate.Output}");

        try
        {
            await RunScaleAsync(clusterId, serviceId, clients, before, grow, after, rebalance, balance);
        }
        catch (Exception e)
        {
            throw new ClusterTestFailure(e, _silos.Select(s => s.Output));
        }
    }

    /// <summary>The balancer's interval in this test: short, so the spread comes within the suite's time.</summary>
    private const string BalanceInterval = "00:00:02";

    /// <summary>How long after the join the grids and cases must be within ±25 % of the mean on every silo.</summary>
    private static readonly TimeSpan SpreadAfterJoinTimeout = TimeSpan.FromSeconds(90);

    private async Task RunScaleAsync(string clusterId, string serviceId, int clients, TimeSpan before, TimeSpan grow, TimeSpan after, bool rebalance, bool balance)
    {
        SiloProcess StartSilo(string name)
        {
            var environment = ClusterEnvironment(clusterId, serviceId, Fresh.Port(), Fresh.Port());
            environment.Remove("GridGov__Membership__ProbeTimeout");
            environment.Remove("GridGov__Membership__NumMissedProbesLimit");
            if (rebalance)
            {
                environment["GridGov__Rebalance"] = "true";
            }

            environment["GridGov__Balance__Enabled"] = balance ? "true" : "false";
            environment["GridGov__Balance__Interval"] = BalanceInterval;

            var silo = SiloProcess.Start(name, environment);
            _silos.Add(silo);
            return silo;
        }

        var first = StartSilo("silo-1");
        StartSilo("silo-2");
        var client = await StartClientAsync(clusterId, serviceId);
        var grids = await CreateGridsAsync(client.Services.GetRequiredService<IClusterClient>(), 16);
        using var http = StartClientApi(clusterId, serviceId);
        await WaitForActiveSilosAsync(http, 2);
        Step("two silos active; load starts");

        var outcomes = new ConcurrentBag<Outcome>();
        using var stop = new CancellationTokenSource();
        var reporters = Enumerable.Range(0, clients)
            .Select(i => Task.Run(() => ReportUntilAsync(http, grids, i, outcomes, stop.Token, readBack: true)))
            .ToArray();
        await Task.Delay(before);

        // The grids' views activate with their grid's first event: the join must find them all on the first two silos,
        // so that only the balancer can bring the third its share.
        var warm = await Eventually.MatchesAsync(
            () => ActivationsAsync(http),
            a => a.Active.Sum(s => s.Grids) >= grids.Length,
            $"the {grids.Length} grids' views to be active before the join",
            JoinTimeout,
            a => a.Text);
        log.WriteLine("before the join:\n" + warm.Text);

        StartSilo("silo-3");
        await WaitForActiveSilosAsync(http, 3);
        var joined = _clock.Elapsed;
        Step("silo-3 joined");
        if (balance)
        {
            var spread = await Eventually.MatchesAsync(
                () => ActivationsAsync(http),
                a => a.Silos == 3 && a.Within(0.25),
                "grids and cases within ±25 % of the mean on each of the 3 silos",
                SpreadAfterJoinTimeout,
                a => a.Text);
            Step($"grids and cases within ±25 % of the mean {(_clock.Elapsed - joined).TotalSeconds:0.0} s after the join:\n{spread.Text}");
        }

        if (joined + grow - _clock.Elapsed is { Ticks: > 0 } rest)
        {
            await Task.Delay(rest);
        }

        log.WriteLine($"{(_clock.Elapsed - joined).TotalSeconds:0} s after the join:\n" + (await ActivationsAsync(http)).Text);

        var leaving = _clock.Elapsed.TotalSeconds;
        Assert.True(await first.TerminateAsync(ProcessExitTimeout), "silo-1 did not exit after SIGTERM.");
        Step($"silo-1 stopped gracefully (exit code {first.ExitCode}) in {_clock.Elapsed.TotalSeconds - leaving:0.0} s");
        await WaitForActiveSilosAsync(http, 2);
        await Task.Delay(after);
        await stop.CancelAsync();
        await Task.WhenAll(reporters);
        log.WriteLine("after silo-1 left:\n" + (await ActivationsAsync(http)).Text);

        var all = outcomes.ToArray();
        // A 503 with Retry-After tells the client to send the request again, and only there: in the seconds of the
        // graceful leave, on a busy machine, a request in flight to the leaving silo can get one (docs/operations.md,
        // "Scale out and in", "Not yet"). Anything else, or a 503 at any other moment, is a failure.
        var left = _clock.Elapsed.TotalSeconds;
        bool Retryable(Outcome o) => o.Status == 503 && o.RetryAfter && o.At >= leaving - 1 && o.At <= left;
        var failed = all.Where(o => o.Status is < 200 or > 299 && !Retryable(o)).OrderBy(o => o.At).ToArray();
        var retryable = all.Count(Retryable);
        Step($"{all.Count(o => o.Status == 201)} reports acknowledged, {failed.Length} failed requests, {retryable} answered 503 with Retry-After during the leave");
        Assert.True(failed.Length == 0, $"{failed.Length} request(s) failed: " + string.Join("; ", failed.Take(5).Select(f => $"{f.Status} at {f.At:0.0} s: {f.Error}")));
        Assert.True(retryable <= clients, $"{retryable} requests were answered 503 during the leave: more than the {clients} clients had in flight.");
    }

    /// <summary>Each active silo's activations of grids' views and cases, and how far each is from the mean.</summary>
    private static async Task<Spread> ActivationsAsync(HttpClient http)
    {
        var view = await http.GetFromJsonAsync<JsonElement>("/api/v1/cluster");
        var silos = view.GetProperty("silos").EnumerateArray()
            .Where(s => s.GetProperty("status").GetString() == "Active")
            .Select(s => new SiloActivations(
                s.GetProperty("address").GetString()!,
                Count(s, ".GridCasesGrain,"),
                Count(s, ".CaseGrain,"),
                s.GetProperty("activationCount").GetInt32()))
            .ToArray();
        return new Spread(silos);

        static int Count(JsonElement silo, string type) =>
            silo.GetProperty("activations").EnumerateArray()
                .Where(a => a.GetProperty("grainType").GetString()!.Contains(type, StringComparison.Ordinal))
                .Sum(a => a.GetProperty("count").GetInt32());
    }

    private sealed record SiloActivations(string Address, int Grids, int Cases, int All);

    private sealed record Spread(SiloActivations[] Active)
    {
        public int Silos => Active.Length;

        private double MeanGrids => Active.Average(s => s.Grids);

        private double MeanCases => Active.Average(s => s.Cases);

        /// <summary>Every silo's grids and cases within the share of their means.</summary>
        public bool Within(double share) =>
            Active.Length > 0 && Active.All(s => Math.Abs(s.Grids - MeanGrids) <= share * MeanGrids && Math.Abs(s.Cases - MeanCases) <= share * MeanCases);

        public string Text => Active.Length == 0 ? "  (no active silo)" : string.Join('\n', Active.Select(s => string.Create(
            CultureInfo.InvariantCulture,
            $"  {s.Address}: grids {s.Grids} ({Deviation(s.Grids, MeanGrids)}), cases {s.Cases} ({Deviation(s.Cases, MeanCases)}), all {s.All}")));

        private static string Deviation(int value, double mean) =>
            mean == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{(value - mean) / mean * 100:+0;-0;0} %");
    }
}
