using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using GridGov.Grains.Cases;
using GridGov.Hosting.Cases;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace GridGov.Tests.Cases;

/// <summary>
/// A case whose write reached storage but whose event never reached the grid's view (its silo died with the event in
/// a memory stream's queue) is found by the outbox sweep and published again, so it is listed.
/// </summary>
public sealed class OutboxSweepTests
{
    [Theory]
    [InlineData(DatabaseKind.PostgreSql)]
    [InlineData(DatabaseKind.Sqlite)]
    public async Task A_case_whose_event_was_lost_reaches_the_grids_view_and_the_read_model(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        await using var store = await MigratedStore.CreateAsync(kind);
        await using var cluster = await GridCluster.StartAsync(kind, store.ConnectionString, configure: silo =>
            silo.Services.AddSingleton(new CaseSweepSettings(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5))));
        var d = Fresh.District();
        var grid = $"{d}001001001";
        var id = CaseIds.New(d, DateTimeOffset.UtcNow);

        // Written as case reception writes it, and never published.
        var state = new CaseGrainState();
        state.Append(
            TestSnapshots.Reported(id, grid, version: 0, reportedBy: "w-1") with { Description = "Lost on its way" },
            "reported", "w-1", null, DateTimeOffset.UtcNow);
        var services = ((InProcessSiloHandle)cluster.Silos[0]).SiloHost.Services;
        await services.GetRequiredKeyedService<IGrainStorage>(ProviderNames.MainStorage).WriteStateAsync(
            CaseGrain.StateName, cluster.Client.GetGrain<ICaseGrain>(id).GetGrainId(), new GrainState<CaseGrainState>(state));

        var readModel = services.GetRequiredService<ICaseReadModel>();
        var listed = await Eventually.MatchesAsync(
            () => readModel.CasesOfNodeAsync(grid, CancellationToken.None),
            cases => cases.Any(c => c.Id == id),
            "the swept case is in the read model");
        Assert.Equal((CaseState.Reported, 1L), listed.Where(c => c.Id == id).Select(c => (c.State, c.Version)).Single());
        Assert.Contains((await cluster.Client.GetGrain<IGridCasesGrain>(grid).GetAsync()).Open, c => c.Id == id);

        // Once listed, it is not swept again.
        var sweeper = services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<CaseOutboxSweeper>().Single();
        Assert.Equal(0, await sweeper.SweepOnceAsync(CancellationToken.None));
    }

    [Theory]
    [InlineData(DatabaseKind.PostgreSql)]
    [InlineData(DatabaseKind.Sqlite)]
    public async Task Cases_written_together_are_all_swept_when_a_page_ends_among_them(DatabaseKind kind)
    {
        using var measurements = new Telemetry.GridGovMeasurements();
        TestCallers.EnterOperator();
        await using var store = await MigratedStore.CreateAsync(kind);
        // Pages of 5, and no timed sweep: this test sweeps itself.
        await using var cluster = await GridCluster.StartAsync(kind, store.ConnectionString, configure: silo =>
            silo.Services.AddSingleton(new CaseSweepSettings(TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.FromMinutes(5), Batch: 5)));
        var d = Fresh.District();
        var grid = $"{d}001001001";
        var services = ((InProcessSiloHandle)cluster.Silos[0]).SiloHost.Services;

        // Written at once, as case reception writes them (most in one write, so at one write time), and
        // never published.
        var ids = Enumerable.Range(0, 12).Select(_ => CaseIds.New(d, DateTimeOffset.UtcNow)).ToArray();
        var newCases = services.GetRequiredService<INewCaseStore>();
        var written = await Task.WhenAll(ids.Select(id =>
        {
            var state = new CaseGrainState();
            state.Append(
                TestSnapshots.Reported(id, grid, version: 0, reportedBy: "w-1") with { Description = "Written together" },
                "reported", "w-1", null, DateTimeOffset.UtcNow);
            return newCases.TryInsertAsync(cluster.Client.GetGrain<ICaseGrain>(id).GetGrainId(), CaseGrain.StateName, state);
        }));
        Assert.All(written, w => Assert.True(w.Inserted));

        var sweeper = services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<CaseOutboxSweeper>().Single();
        Assert.Equal(ids.Length, await sweeper.SweepOnceAsync(CancellationToken.None));
        Assert.True(measurements.Total("gridgov.cases.outbox.republished") >= ids.Length, "the republished cases were not counted");

        var readModel = services.GetRequiredService<ICaseReadModel>();
        await Eventually.MatchesAsync(
            () => readModel.CasesOfNodeAsync(grid, CancellationToken.None),
            cases => ids.All(id => cases.Any(c => c.Id == id)),
            "every swept case is in the read model");
    }
}
