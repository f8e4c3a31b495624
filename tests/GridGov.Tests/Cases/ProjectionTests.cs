using GridGov.Contracts;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using GridGov.Grains.Cases;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;

namespace GridGov.Tests.Cases;

/// <summary>The grid's view and the read model converge whatever order, and however often, events arrive.</summary>
[Collection(GridClusterCollection.Name)]
public sealed class ProjectionTests(GridClusterFixture fixture)
{
    private static CaseEvent Event(string id, string grid, long version, CaseState state) => new(
        Guid.NewGuid(), id, version, state.ToString().ToLowerInvariant(), grid, DateTimeOffset.UtcNow, "test", null,
        TestSnapshots.Reported(id, grid, version) with
        {
            State = state,
            Lat = 10,
            Lon = 10,
            ReportedAt = new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero),
            Assignee = state >= CaseState.Dispatched ? "w-1" : null,
        });

    [Fact]
    public async Task Late_and_repeated_events_never_move_a_case_backwards()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        var grid = $"{d}001001001";
        var id = CaseIds.New(d, DateTimeOffset.UtcNow);
        var stream = fixture.Cluster.Client.GetStreamProvider(ProviderNames.Streams)
            .GetStream<CaseEvent>(StreamId.Create(StreamNamespaces.CaseEvents, grid));

        foreach (var e in new[]
        {
            Event(id, grid, 1, CaseState.Reported),
            Event(id, grid, 3, CaseState.Dispatched),
            Event(id, grid, 2, CaseState.Filed),
            Event(id, grid, 3, CaseState.Dispatched),
            Event(id, grid, 1, CaseState.Reported),
        })
        {
            await stream.OnNextAsync(e);
        }

        var readModel = fixture.Cluster.GetSiloServiceProvider().GetRequiredService<ICaseReadModel>();
        var view = fixture.Grains.GetGrain<IGridCasesGrain>(grid);
        await Eventually.MatchesAsync(
            async () => (await view.GetAsync()).Open.SingleOrDefault(c => c.Id == id),
            c => c is { Version: 3, State: CaseState.Dispatched },
            $"case {id} at version 3 in grid {grid}'s view");
        await Eventually.MatchesAsync(
            async () => (await readModel.QueryAsync(new CaseQuery(d, null, null, null, null, null, null, null, 10), CancellationToken.None)).SingleOrDefault(),
            c => c is { Version: 3, State: CaseState.Dispatched },
            $"case {id} at version 3 in the read model");

        await stream.OnNextAsync(Event(id, grid, 4, CaseState.Rejected));
        await stream.OnNextAsync(Event(id, grid, 2, CaseState.Filed));
        await Eventually.MatchesAsync(
            async () => (await readModel.QueryAsync(new CaseQuery(d, null, null, null, null, null, null, null, 10), CancellationToken.None)).SingleOrDefault(),
            c => c is { Version: 4, State: CaseState.Rejected },
            $"case {id} at version 4 in the read model");
        Assert.DoesNotContain((await view.GetAsync()).Open, c => c.Id == id);
    }
}
