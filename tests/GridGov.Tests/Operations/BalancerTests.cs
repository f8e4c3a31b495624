using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using GridGov.Hosting;
using GridGov.Hosting.Operations;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace GridGov.Tests.Operations;

/// <summary>
/// The per-type balancer on in-process silos: a migrated grid's view keeps its cases and its stream, a migrated case
/// keeps its state, and the grids' views spread over a silo that joins.
/// </summary>
public sealed class BalancerTests : IAsyncLifetime
{
    private static readonly BalanceSettings Fast = new(true, TimeSpan.FromSeconds(1));

    private MigratedStore _store = null!;
    private InProcessTestCluster? _started;

    public async Task InitializeAsync() => _store = await MigratedStore.CreateAsync(DatabaseKind.Sqlite);

    public async Task DisposeAsync()
    {
        if (_started is not null)
        {
            await _started.DisposeAsync();
        }

        await _store.DisposeAsync();
    }

    /// <summary>Two silos, with the balancer when asked (without, nothing moves but what the test moves).</summary>
    private async Task StartAsync(bool balancer) =>
        _started = await GridCluster.StartAsync(
            _store.Kind, _store.ConnectionString, configure: balancer ? silo => silo.AddGridGovBalancer(Fast) : null);

    private InProcessTestCluster Cluster => _started ?? throw new InvalidOperationException("StartAsync has not run.");

    private IGrainFactory Grains => Cluster.Client;

    private static string Grid() => $"{Fresh.District()}001001001";

    private async Task<string> ReportAsync(string grid)
    {
        var id = CaseIds.New(DistrictCode.Of(grid), DateTimeOffset.UtcNow);
        await Grains.GetGrain<ICaseGrain>(id).ReportAsync(
            new NewCase("event.other", "Broken bench", CaseSource.GridPatrol, grid, null, null, "Block 3", null, null, [], CasePriority.Normal, null, "w-1"));
        return id;
    }

    private async Task<SiloAddress?> SiloOfAsync(IAddressable grain) =>
        await Grains.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);

    private SiloAddress OtherThan(SiloAddress? silo) => Cluster.GetActiveSilos().First(s => !s.SiloAddress.Equals(silo)).SiloAddress;

    [Fact]
    public async Task A_migrated_grid_view_keeps_its_cases_and_its_stream_and_a_migrated_case_its_state()
    {
        await StartAsync(balancer: false);
        TestCallers.EnterOperator();
        var grid = Grid();
        var view = Grains.GetGrain<IGridCasesGrain>(grid);
        var first = await ReportAsync(grid);
        await Eventually.TrueAsync(async () => (await view.GetAsync()).Open.Any(c => c.Id == first), $"case {first} in grid {grid}'s view");

        var from = await SiloOfAsync(view);
        var to = OtherThan(from);
        await Cluster.MigrateAsync(view, to);
        TestCallers.EnterOperator();
        await Eventually.MatchesAsync(() => SiloOfAsync(view), s => to.Equals(s), $"grid {grid}'s view on {to}", describe: s => $"on {s}");
        Assert.Contains((await view.GetAsync()).Open, c => c.Id == first);

        // The new activation still gets the grid's events.
        var second = await ReportAsync(grid);
        await Eventually.TrueAsync(async () => (await view.GetAsync()).Open.Any(c => c.Id == second), $"case {second} in grid {grid}'s view after it moved");
        Assert.Equal(to, await SiloOfAsync(view));

        var @case = Grains.GetGrain<ICaseGrain>(first);
        var before = await @case.ActAsync(new CaseAction(CaseActionKind.File, "cc", null), null);
        var caseFrom = await SiloOfAsync(@case);
        await Cluster.MigrateAsync(@case, OtherThan(caseFrom));
        TestCallers.EnterOperator();
        var after = await @case.GetAsync();
        Assert.Equal((before.Version, before.State, before.Description), (after!.Version, after.State, after.Description));
        Assert.NotEqual(caseFrom, await SiloOfAsync(@case));
    }

    [Fact]
    public async Task The_grids_views_spread_over_a_silo_that_joins()
    {
        await StartAsync(balancer: true);
        TestCallers.EnterOperator();
        var grid = Grid();
        var views = Enumerable.Range(0, 24).Select(i => Grains.GetGrain<IGridCasesGrain>($"{grid}{i:00}")).ToArray();
        await Task.WhenAll(views.Select(v => v.GetAsync()));

        // The grids' views of the nodes above the grids (a case's indicators roll up through them) count too.
        await Cluster.StartAdditionalSiloAsync();
        var spread = await Eventually.MatchesAsync(
            () => Task.FromResult(Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<LocalActivations>().Counts()[LocalActivations.Grids]).ToArray()),
            counts => counts.Length == 3 && counts.All(c => Math.Abs(c - counts.Average()) <= 0.25 * counts.Average()),
            "the grids' views to spread over 3 silos within ±25 % of the mean",
            TimeSpan.FromSeconds(60),
            counts => string.Join(", ", counts));
        Assert.True(spread.Sum() >= views.Length);

        // The balancer's counts are Orleans' own, silo by silo (once nothing is in flight).
        await Eventually.MatchesAsync(
            async () =>
            {
                var listed = (await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics([typeof(GridGov.Grains.Cases.GridCasesGrain).FullName + ",GridGov.Grains"]))
                    .GroupBy(d => d.SiloAddress)
                    .ToDictionary(g => g.Key, g => g.Count());
                var counted = Cluster.Silos.ToDictionary(s => s.SiloAddress, s => s.ServiceProvider.GetRequiredService<LocalActivations>().Counts()[LocalActivations.Grids]);
                return (Listed: listed, Counted: counted);
            },
            r => r.Counted.All(c => r.Listed.GetValueOrDefault(c.Key) == c.Value) && r.Listed.Count == r.Counted.Count,
            "the balancer's counts to equal Orleans' listing of each silo's activations",
            describe: r => $"listed {string.Join(", ", r.Listed.Values)}; counted {string.Join(", ", r.Counted.Values)}");

        // Every view answers where it now is.
        TestCallers.EnterOperator();
        await Task.WhenAll(views.Select(v => v.GetAsync()));
    }
}
