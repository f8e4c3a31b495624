using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Perfolizer.Mathematics.OutlierDetection;
using GridGov.Contracts.Territory;

namespace GridGov.Benchmarks;

/// <summary>
/// One locate per operation at 10 000 grids, through the grain call path of an Embedded host: the district's
/// <see cref="ITerritoryIndexGrain"/> directly, and <see cref="ILocatorGrain"/> (what GET /api/v1/locate calls).
/// Each operation takes the next of 4 096 reproducible probes of the kind under test.
/// The job is BenchmarkDotNet's ShortRun (one launch, no long pilot) with 15 measured iterations instead of 3: on a
/// 2-core machine a grain call's occasional multi-millisecond stall made 3 iterations' error wider than the mean.
/// Outliers are kept: the target is a mean per call, and the stalls are part of what a caller sees.
/// </summary>
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 5, iterationCount: 15, id: "Short15")]
[Outliers(OutlierMode.DontRemove)]
[GcServer(true)]
[MemoryDiagnoser]
public class LocateBenchmarks
{
    private const int ProbeCount = 4096;
    private const int ValidatedProbes = 256;

    private BenchmarkHost? _host;
    private ITerritoryIndexGrain _index = null!;
    private ILocatorGrain _locator = null!;
    private Probe[] _probes = [];
    private int _next;

    [Params(PointKind.Inside, PointKind.Border, PointKind.Outside)]
    public PointKind Points { get; set; }

    /// <summary>
    /// Synchronous on purpose: the signed caller entered at the end stays on this thread's execution context, which
    /// BenchmarkDotNet runs the benchmark methods on (a call without one is refused by the silo, so a lost caller
    /// fails loudly rather than measuring an error path).
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        var folder = BenchmarkData.FolderAsync().GetAwaiter().GetResult();
        _host = BenchmarkHost.StartAsync(folder).GetAwaiter().GetResult();
        _index = _host.Grains.GetGrain<ITerritoryIndexGrain>(BenchmarkDistrict.Code);
        _locator = _host.Grains.GetGrain<ILocatorGrain>(0);
        _probes = BenchmarkDistrict.Probes(Points, ProbeCount);
        _host.EnterOperator();

        // Activates the grains and checks the answers before anything is timed.
        foreach (var probe in _probes.Take(ValidatedProbes))
        {
            Check(probe, _index.LocateAsync(probe.Lat, probe.Lon).GetAwaiter().GetResult(), nameof(ITerritoryIndexGrain));
            Check(probe, _locator.LocateAsync(probe.Lat, probe.Lon, null).GetAwaiter().GetResult(), nameof(ILocatorGrain));
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _host?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark(Baseline = true)]
    public Task<LocateResult> IndexGrain()
    {
        var probe = _probes[_next++ & (ProbeCount - 1)];
        return _index.LocateAsync(probe.Lat, probe.Lon);
    }

    [Benchmark]
    public Task<LocateResult> LocatorGrain()
    {
        var probe = _probes[_next++ & (ProbeCount - 1)];
        return _locator.LocateAsync(probe.Lat, probe.Lon, null);
    }

    private static void Check(Probe probe, LocateResult result, string via)
    {
        if (result.Grid?.Code != probe.ExpectedGrid)
        {
            throw new InvalidOperationException(
                $"{via} located ({probe.Lat}, {probe.Lon}) in {result.Grid?.Code ?? "no grid"}, expected {probe.ExpectedGrid ?? "no grid"}.");
        }
    }
}
