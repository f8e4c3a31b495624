using System.Diagnostics;
using System.Diagnostics.Metrics;
using GridGov.Grains.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Xunit.Abstractions;

namespace GridGov.Tests.Telemetry;

/// <summary>
/// Recording on the intake path allocates nothing once a district has been seen, with OpenTelemetry aggregating (as
/// in every GridGov process): the district tag comes from a cache keyed by the code's first six characters.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class HotPathTests(ITestOutputHelper log)
{
    private const int Calls = 20_000;

    [Fact]
    public void Recording_a_case_allocates_nothing_once_its_district_is_known()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new CaseMetrics(services.GetRequiredService<IMeterFactory>());
        using var provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(CaseMetrics.MeterName)
            .AddReader(new PeriodicExportingMetricReader(new NullExporter(), exportIntervalMilliseconds: 3_600_000))
            .Build();

        var ids = Enumerable.Range(0, 8).Select(i => $"{460200 + i}-20261203-0EFQR91NV2NZY0R{i}").ToArray();
        var intake = TimeSpan.FromMilliseconds(3);
        foreach (var id in ids)
        {
            metrics.Reported(id, intake);
            metrics.Closed(id);
            metrics.Applied(intake);
        }

        var started = Stopwatch.GetTimestamp();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Calls; i++)
        {
            var id = ids[i & 7];
            metrics.Reported(id, intake);
            metrics.Applied(intake);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var elapsed = Stopwatch.GetElapsedTime(started);
        log.WriteLine($"{Calls} × (reported + intake histogram + lag histogram): {elapsed.TotalNanoseconds / Calls:0} ns per case, {allocated} bytes allocated");
        Assert.Equal(0, allocated);
    }

    private sealed class NullExporter : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch) => ExportResult.Success;
    }
}

/// <summary>
/// Tests that run with no other test beside them: a listener another test attaches to GridGov's meter (they are found by
/// name, process-wide) would be handed this test's measurements, and its allocations would be counted here.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
