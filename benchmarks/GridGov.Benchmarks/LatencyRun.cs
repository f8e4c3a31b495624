using System.Diagnostics;
using System.Globalization;
using GridGov.Contracts.Territory;

namespace GridGov.Benchmarks;

/// <summary>
/// A cross-check outside BenchmarkDotNet: times each of many sequential locates on one host and prints the mean and
/// the percentiles per call path and point kind (BenchmarkDotNet reports means of whole iterations, not the tail).
/// </summary>
public static class LatencyRun
{
    private const int Warmup = 2_000;

    public static async Task RunAsync(string folder, int calls)
    {
        await using var host = await BenchmarkHost.StartAsync(folder);
        host.EnterOperator();
        var index = host.Grains.GetGrain<ITerritoryIndexGrain>(BenchmarkDistrict.Code);
        var locator = host.Grains.GetGrain<ILocatorGrain>(0);

        Console.WriteLine($"| Path | Points | Calls | Mean | p50 | p90 | p99 | Max |");
        Console.WriteLine($"|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var kind in Enum.GetValues<PointKind>())
        {
            var probes = BenchmarkDistrict.Probes(kind, 4096);
            await MeasureAsync("ITerritoryIndexGrain.LocateAsync", kind, probes, calls, p => index.LocateAsync(p.Lat, p.Lon));
            await MeasureAsync("ILocatorGrain.LocateAsync", kind, probes, calls, p => locator.LocateAsync(p.Lat, p.Lon, null));
        }
    }

    private static async Task MeasureAsync(string path, PointKind kind, Probe[] probes, int calls, Func<Probe, Task<LocateResult>> locate)
    {
        for (var i = 0; i < Warmup; i++)
        {
            await locate(probes[i % probes.Length]);
        }

        var ticks = new long[calls];
        for (var i = 0; i < calls; i++)
        {
            var probe = probes[i % probes.Length];
            var start = Stopwatch.GetTimestamp();
            var result = await locate(probe);
            ticks[i] = Stopwatch.GetTimestamp() - start;
            if (result.Grid?.Code != probe.ExpectedGrid)
            {
                throw new InvalidOperationException($"{path} located ({probe.Lat}, {probe.Lon}) in {result.Grid?.Code ?? "no grid"}, expected {probe.ExpectedGrid ?? "no grid"}.");
            }
        }

        Array.Sort(ticks);
        string Micros(double t) => (t * 1_000_000 / Stopwatch.Frequency).ToString("F0", CultureInfo.InvariantCulture) + " µs";
        string At(double quantile) => Micros(ticks[Math.Min(calls - 1, (int)(quantile * calls))]);
        Console.WriteLine($"| {path} | {kind} | {calls} | {Micros(ticks.Average())} | {At(0.50)} | {At(0.90)} | {At(0.99)} | {Micros(ticks[^1])} |");
    }
}
