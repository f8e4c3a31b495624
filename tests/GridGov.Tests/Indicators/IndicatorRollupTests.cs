using System.Collections.Concurrent;
using System.Diagnostics;
using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using GridGov.Grains.Cases;
using GridGov.Hosting;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.TestingHost;

namespace GridGov.Tests.Indicators;

/// <summary>Counts the batches each indicator node receives, by node and source.</summary>
public sealed class BatchCounter : IIncomingGrainCallFilter
{
    public static readonly ConcurrentDictionary<(string Node, string Source), int> Calls = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod.Name == nameof(IIndicatorsGrain.ApplyAsync) && context.Request.GetArgument(0) is TallyBatch batch)
        {
            Calls.AddOrUpdate((context.TargetId.Key.ToString()!, batch.Source), 1, (_, n) => n + 1);
        }

        return context.Invoke();
    }
}

/// <summary>Three silos on PostgreSQL, with the batch counter; a fresh district per test.</summary>
public sealed class RollupClusterFixture : IAsyncLifetime
{
    private MigratedStore? _store;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        _store = await MigratedStore.CreateAsync(DatabaseKind.PostgreSql);
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddGridGovServices(_store.Kind, _store.ConnectionString, TestCallers.Signer);
            silo.Services.AddSingleton<IIncomingGrainCallFilter, BatchCounter>();
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(ProviderNames.Streams));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }
}

/// <summary>
/// Roll-ups are exact whatever the events do: duplicated, reordered, and with a silo killed in between, the district's
/// numbers end equal to a full recount from the read model; and a busy grid hands its parent a bounded number of batches.
/// </summary>
public sealed class IndicatorRollupTests(RollupClusterFixture fixture) : IClassFixture<RollupClusterFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 11, 20, 1, 0, 0, TimeSpan.Zero);

    /// <summary>A district with two streets, each with a community of two grids.</summary>
    private async Task<(string District, string[] Grids)> TerritoryAsync()
    {
        var d = Fresh.District();
        string[] grids = [$"{d}001001001", $"{d}001001002", $"{d}002001001", $"{d}002001002"];
        foreach (var code in new[] { d, $"{d}001", $"{d}002", $"{d}001001", $"{d}002001" }.Concat(grids))
        {
            await fixture.Grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert(code, null, []), null, false);
        }

        return (d, grids);
    }

    /// <summary>The events of one case's whole loop, version 1 to 7, each carrying the case as it then stood.</summary>
    private static IReadOnlyList<CaseEvent> Loop(string district, string grid, int n, int satisfaction)
    {
        var id = $"{district}-20261120-{n:D8}";
        var at = Start.AddMinutes(n);
        var s = new CaseSnapshot
        {
            Id = id,
            State = CaseState.Reported,
            Category = n % 2 == 0 ? "event.environment" : "component.road",
            Source = n % 3 == 0 ? CaseSource.Camera : CaseSource.ResidentApp,
            Description = "test",
            GridCode = grid,
            MediaUrls = [],
            ReportedBy = "test",
            ReportedAt = at,
            HandledAt = TerritoryLevel.Grid,
            Version = 1,
        };
        var steps = new List<CaseSnapshot> { s };
        steps.Add(s = s with { State = CaseState.Filed, FiledAt = at.AddMinutes(1), Version = 2 });
        steps.Add(s = s with
        {
            State = CaseState.Dispatched, Assignee = "w-1", DispatchedAt = at.AddMinutes(2), Deadline = at.AddHours(24),
            RespondBy = at.AddHours(1), Version = 3,
        });
        steps.Add(s = s with { State = CaseState.InProgress, AcceptedAt = at.AddMinutes(30 + (n % 2 * 60)), Version = 4 });
        steps.Add(s = s with { State = CaseState.Resolved, Warned = n % 4 == 0, Version = 5 });
        steps.Add(s = s with { State = CaseState.Closed, ClosedAt = at.AddHours(n % 5 == 0 ? 30 : 3), Version = 6 });
        steps.Add(s with { State = CaseState.Evaluated, Satisfaction = satisfaction, ResolvedAsReported = satisfaction > 2, EvaluatedAt = at.AddHours(40), Version = 7 });
        return steps.Select(c => new CaseEvent(Guid.NewGuid(), id, c.Version, c.State.ToString(), grid, at, "test", null, c)).ToArray();
    }

    private IAsyncStream<CaseEvent> Stream(string grid) =>
        fixture.Cluster.Client.GetStreamProvider(ProviderNames.Streams).GetStream<CaseEvent>(StreamId.Create(StreamNamespaces.CaseEvents, grid));

    private async Task<Dictionary<TallyKey, long>> RecountAsync(string district)
    {
        var readModel = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<ICaseReadModel>();
        var tally = new Tally();
        await foreach (var c in readModel.CasesUnderAsync(district, CancellationToken.None))
        {
            tally.Add(Metrics.KeysOf(c), 1);
        }

        return tally.Copy();
    }

    private async Task AssertConvergesAsync(string district, int cases)
    {
        var grain = fixture.Grains.GetGrain<IIndicatorsGrain>(district);
        await Eventually.TrueAsync(
            async () =>
            {
                var recount = await RecountAsync(district);
                return recount.GetValueOrDefault(new TallyKey(Metrics.Reported, Metrics.DayOf(Start), "")) == cases
                    && recount.GetValueOrDefault(new TallyKey(Metrics.Evaluated, Metrics.DayOf(Start.AddHours(40)), "")) == cases
                    && new Tally(await grain.GetTallyAsync()).Differences(recount).Count == 0;
            },
            $"district {district}'s roll-up to equal the recount of {cases} evaluated cases");
    }

    [Fact]
    public async Task Duplicated_and_reordered_events_end_in_the_exact_recount()
    {
        TestCallers.EnterOperator();
        var (d, grids) = await TerritoryAsync();
        var random = new Random(7);
        var loops = Enumerable.Range(1, 24).Select(n => Loop(d, grids[n % grids.Length], n, 1 + (n % 5))).ToArray();

        // Every event at least once, many twice, all shuffled: late versions overtake early ones.
        var events = loops.SelectMany(l => l).Concat(loops.SelectMany(l => l).Where(_ => random.Next(2) == 0)).OrderBy(_ => random.Next()).ToArray();
        foreach (var e in events)
        {
            await Stream(e.GridCode).OnNextAsync(e);
        }

        await AssertConvergesAsync(d, loops.Length);
        var set = await fixture.Grains.GetGrain<IIndicatorsGrain>(d).GetAsync(Metrics.DayOf(Start), Metrics.DayOf(Start.AddDays(3)), Metrics.DayOf(Start.AddDays(3)));
        Assert.Equal(0, set.Current[Metrics.Open]);
        Assert.Equal(24, set.Period[Metrics.Closed]);
        Assert.Equal(24 - 4, set.Period[Metrics.ClosedOnTime]); // n = 5, 10, 15, 20 closed after the 24 h limit
        Assert.Equal(12, set.Period[Metrics.RespondedInTime]); // even n accepted in 30 min, odd n after the hour
        Assert.Equal(loops.Count(l => l[^1].Case.Satisfaction >= 4) / 24.0, set.Rates["satisfaction"]!.Value, 3);
        Assert.Equal(12, set.ByCategory["event.environment"][Metrics.Reported]);
        Assert.Equal(8, set.BySource["camera"][Metrics.Reported]);
    }

    [Fact]
    public async Task A_killed_silo_in_between_still_ends_in_the_exact_recount()
    {
        TestCallers.EnterOperator();
        var (d, grids) = await TerritoryAsync();
        var loops = Enumerable.Range(1, 16).Select(n => Loop(d, grids[n % grids.Length], n, 5)).ToArray();

        // The first half of every loop, counted all the way up.
        foreach (var e in loops.SelectMany(l => l.Take(3)))
        {
            await Stream(e.GridCode).OnNextAsync(e);
        }

        var district = fixture.Grains.GetGrain<IIndicatorsGrain>(d);
        await Eventually.TrueAsync(
            async () => (await district.GetAsync(Metrics.DayOf(Start), Metrics.DayOf(Start), Metrics.DayOf(Start))).Period[Metrics.Dispatched] == loops.Length,
            "the district to count every dispatch");

        // Kill a silo that holds part of this district's roll-up (never the first, which the test host leans on).
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        var victim = fixture.Cluster.Silos.Skip(1)
            .OrderByDescending(s => statistics.Count(g => g.SiloAddress.Equals(s.SiloAddress) && g.GrainId.Key.ToString()!.StartsWith(d, StringComparison.Ordinal)))
            .First();
        await fixture.Cluster.KillAndAwaitNoticeAsync(victim);
        TestCallers.EnterOperator();

        // The rest of every loop, and the whole of it again (what republishing outboxes would do).
        foreach (var e in loops.SelectMany(l => l.Skip(3)).Concat(loops.SelectMany(l => l)))
        {
            await Stream(e.GridCode).OnNextAsync(e);
        }

        await AssertConvergesAsync(d, loops.Length);
        await fixture.Cluster.StartAdditionalSiloAsync();
    }

    [Fact]
    public async Task A_grid_with_a_thousand_events_a_second_sends_its_parent_a_bounded_number_of_batches()
    {
        TestCallers.EnterOperator();
        var (d, grids) = await TerritoryAsync();
        var grid = grids[0];
        var community = TerritoryCode.ParentOf(grid)!;
        var stream = Stream(grid);

        var clock = Stopwatch.StartNew();
        var events = Enumerable.Range(1, 1000).Select(n => Loop(d, grid, n, 5)[0]).ToArray();
        foreach (var chunk in events.Chunk(50))
        {
            await stream.OnNextBatchAsync(chunk);
        }

        var node = fixture.Grains.GetGrain<IIndicatorsGrain>(community);
        await Eventually.TrueAsync(
            async () => (await node.GetAsync(Metrics.DayOf(Start), Metrics.DayOf(Start.AddDays(1)), Metrics.DayOf(Start))).Current[Metrics.Open] == 1000,
            "the community to count the grid's 1 000 open cases");
        var elapsed = clock.Elapsed;

        // One batch per 200 ms flush at most, plus the first announcement: never one call per event.
        var bound = (int)Math.Ceiling(elapsed.TotalMilliseconds / 200) + 2;
        var fromCases = BatchCounter.Calls.GetValueOrDefault((grid, IndicatorsGrain.CasesSource));
        var toCommunity = BatchCounter.Calls.GetValueOrDefault((community, grid));
        Assert.InRange(fromCases, 1, bound);
        Assert.InRange(toCommunity, 1, bound);
        Assert.True(toCommunity < 100, $"{toCommunity} batches for 1 000 events in {elapsed.TotalSeconds:0.0} s");
    }
}
