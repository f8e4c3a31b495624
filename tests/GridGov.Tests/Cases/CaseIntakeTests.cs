using GridGov.Contracts.Cases;
using GridGov.Contracts.Common;
using GridGov.Contracts.Territory;
using GridGov.Hosting;
using GridGov.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Serialization.TypeSystem;
using Orleans.TestingHost;

namespace GridGov.Tests.Cases;

/// <summary>
/// Case reception writes a new case without reading it first (its first write is an insert) and without activating the
/// case's grain. A report reaching a case that exists, through either, answers the stored case and changes nothing.
/// </summary>
[Collection(GridClusterCollection.Name)]
public sealed class CaseIntakeTests(GridClusterFixture fixture)
{
    private static NewCase Report(string grid, string category, string description) =>
        new(category, description, CaseSource.GridPatrol, grid, null, null, "Block 3", null, null, [], CasePriority.Normal, null, "w-1");

    [Fact]
    public async Task A_second_report_answers_the_stored_case_and_changes_nothing()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        var grid = $"{d}001001001";
        var id = CaseIds.New(d, DateTimeOffset.UtcNow);
        var grain = fixture.Grains.GetGrain<ICaseGrain>(id);

        var first = await grain.ReportAsync(Report(grid, "event.other", "Broken bench"));
        // The case released its activation after the report: these reach new activations, which read it.
        var again = await grain.ReportAsync(Report(grid, "event.other", "A different description"));
        var unknownCategory = await grain.ReportAsync(Report(grid, "no.such.category", "Replayed after the category went"));

        Assert.Equal(first, again);
        Assert.Equal(first, unknownCategory);
        Assert.Equal("Broken bench", (await grain.GetAsync())!.Description);
        Assert.Single((await grain.GetHistoryAsync())!.Events);
    }

    [Fact]
    public async Task A_report_that_is_refused_creates_nothing()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        var grain = fixture.Grains.GetGrain<ICaseGrain>(CaseIds.New(d, DateTimeOffset.UtcNow));

        var refused = await Assert.ThrowsAsync<DomainException>(() => grain.ReportAsync(Report($"{d}001001001", "no.such.category", "x")));

        Assert.Equal("category", refused.Field);
        Assert.Null(await grain.GetAsync());
        Assert.Null(await grain.GetHistoryAsync());
    }

    [Fact]
    public async Task Replays_of_an_idempotency_key_answer_one_case()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        var intake = fixture.Grains.GetGrain<IIntakeGrain>($"{d}-IK-{Guid.NewGuid():N}");
        var report = Report($"{d}001001001", "event.other", "Leaking pipe");

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => intake.ReportAsync(report, "same request")));
        var later = await intake.ReportAsync(report, "same request");

        Assert.Single(answers.Append(later).Select(c => c.Id).Distinct());
        Assert.Single((await fixture.Grains.GetGrain<ICaseGrain>(later.Id).GetHistoryAsync())!.Events);
    }

    [Fact]
    public async Task A_case_received_without_its_grain_is_read_acted_on_and_seen_by_its_grid()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        var grid = $"{d}001001001";
        var id = CaseIds.New(d, DateTimeOffset.UtcNow);
        var @case = fixture.Grains.GetGrain<ICaseGrain>(id);
        // An activation that looked before the case existed reads again once it does.
        Assert.Null(await @case.GetAsync());

        var received = await fixture.Grains.GetGrain<ICaseReceptionGrain>(d).ReportAsync(id, Report(grid, "event.other", "Blocked drain"));

        Assert.Equal((id, CaseState.Reported, 1L), (received.Id, received.State, received.Version));
        Assert.Equal(received, await @case.GetAsync());
        var filed = await @case.ActAsync(new CaseAction(CaseActionKind.File, "cc", null), received.Version);
        Assert.Equal((CaseState.Filed, 2L), (filed.State, filed.Version));
        Assert.Equal(["reported", "filed"], (await @case.GetHistoryAsync())!.Events.Select(e => e.Type));
        await Eventually.TrueAsync(
            async () => (await fixture.Grains.GetGrain<IGridCasesGrain>(grid).GetAsync()).Open.Any(c => c.Id == id && c.Version == 2),
            "the grid's view holds the case at version 2");
    }

    [Fact]
    public async Task Reception_answers_a_case_that_exists_as_stored_and_refuses_another_districts_id()
    {
        TestCallers.EnterOperator();
        var d = Fresh.District();
        var grid = $"{d}001001001";
        var id = CaseIds.New(d, DateTimeOffset.UtcNow);
        var reception = fixture.Grains.GetGrain<ICaseReceptionGrain>(d);

        var first = await reception.ReportAsync(id, Report(grid, "event.other", "Fallen tree"));
        var again = await reception.ReportAsync(id, Report(grid, "event.other", "Another description"));
        var foreign = await Assert.ThrowsAsync<DomainException>(() =>
            reception.ReportAsync(CaseIds.New(Fresh.District(), DateTimeOffset.UtcNow), Report(grid, "event.other", "x")));

        Assert.Equal(first, again);
        Assert.Single((await fixture.Grains.GetGrain<ICaseGrain>(id).GetHistoryAsync())!.Events);
        Assert.Equal("id", foreign.Field);
    }

    [Fact]
    public void Every_grain_interface_type_is_the_one_Orleans_gives_and_is_remembered()
    {
        var services = ((InProcessSiloHandle)fixture.Cluster.Silos[0]).SiloHost.Services;
        var providers = services.GetServices<IGrainInterfaceTypeProvider>().ToArray();
        Assert.IsType<CachedGrainInterfaceTypes>(providers[0]);

        var orleans = new GrainInterfaceTypeResolver(providers.Skip(1), services.GetRequiredService<TypeConverter>());
        var resolver = services.GetRequiredService<GrainInterfaceTypeResolver>();
        foreach (var type in new[] { typeof(ICaseGrain), typeof(IGridCasesGrain), typeof(ITerritoryGrain), typeof(IIntakeGrain) })
        {
            Assert.Equal(orleans.GetGrainInterfaceType(type), resolver.GetGrainInterfaceType(type));
            Assert.True(providers[0].TryGetGrainInterfaceType(type, out var remembered));
            Assert.Equal(orleans.GetGrainInterfaceType(type), remembered);
        }
    }
}
