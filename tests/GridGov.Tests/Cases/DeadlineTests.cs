using System.Diagnostics;
using GridGov.Contracts.Cases;
using GridGov.Contracts.Territory;
using GridGov.Hosting;
using GridGov.Hosting.Storage;
using GridGov.Tests.Infrastructure;
using GridGov.Tests.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Reminders;
using Orleans.TestingHost;

namespace GridGov.Tests.Cases;

/// <summary>
/// Two silos whose grains and reminders run on one fake clock (the silos' own housekeeping stays on real time), so a
/// test can move a case past its warning and its deadline without waiting hours.
/// </summary>
public sealed class FakeTimeClusterFixture : IAsyncLifetime
{
    private MigratedStore? _store;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _store = await MigratedStore.CreateAsync(DatabaseKind.PostgreSql);
        Cluster = await StartAsync(_store, Clock);
    }

    /// <summary>A cluster on the store whose grains and reminders follow the clock (state shared through the service id).</summary>
    public static async Task<InProcessTestCluster> StartAsync(MigratedStore store, FakeTimeProvider clock, string? serviceId = null)
    {
        var builder = new InProcessTestClusterBuilder(2);
        if (serviceId is not null)
        {
            builder.Options.ServiceId = serviceId;
        }

        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(clock);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddKeyedSingleton<TimeProvider>(ReminderTimeProviderNames.Reminders, clock);
            silo.AddGridGovServices(store.Kind, store.ConnectionString, TestCallers.Signer);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
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

public sealed class DeadlineTests(FakeTimeClusterFixture fixture) : IClassFixture<FakeTimeClusterFixture>
{
    private Task<(ICaseGrain Case, string Id)> DispatchedEmergencyAsync() => DispatchedEmergencyAsync(fixture.Cluster.Client, fixture.Clock);

    private static async Task<(ICaseGrain Case, string Id)> DispatchedEmergencyAsync(IGrainFactory grains, FakeTimeProvider clock)
    {
        var d = Fresh.District();
        foreach (var code in new[] { d, $"{d}001", $"{d}001001", $"{d}001001001" })
        {
            // The grid's worker w-1 takes the case (dispatch names staff of the case's node or an ancestor); the
            // community's supervisor s-c is named when the case escalates there.
            IReadOnlyList<StaffMember> staff = code.Length switch
            {
                15 => [new StaffMember("w-1", "Worker", StaffRole.GridWorker, null)],
                12 => [new StaffMember("s-c", "Supervisor", StaffRole.Supervisor, null)],
                _ => [],
            };
            await grains.GetGrain<ITerritoryGrain>(code).UpsertAsync(new TerritoryUpsert(code, null, staff), null, false);
        }

        var id = CaseIds.New(d, clock.GetUtcNow());
        var grain = grains.GetGrain<ICaseGrain>(id);
        await grain.ReportAsync(new NewCase("event.emergency", "Gas smell", CaseSource.Hotline12345, $"{d}001001001", null, null, "Block 7", null, null, [], CasePriority.Urgent, null, "hotline"));
        await grain.ActAsync(new CaseAction(CaseActionKind.File, "cc", null), null);
        await grain.ActAsync(new CaseAction(CaseActionKind.Dispatch, "cc", null, Assignee: "w-1"), null);
        return (grain, id);
    }

    /// <summary>
    /// Real time the reminder service gets to act on each minute of fake time: it arms its timers on the fake clock but
    /// reads its table and calls the case in real time. The case is watched for at most this long after each advance,
    /// and the watch ends as soon as the case records the event.
    /// </summary>
    private static readonly TimeSpan ObservationWindow = TimeSpan.FromMilliseconds(25);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Moves the fake clock a minute at a time (the reminder service refreshes and arms its timers on that clock, and
    /// reads the table in between) until the case records the event; answers the case and the clock's time then.
    /// </summary>
    private Task<(CaseSnapshot Case, DateTimeOffset At)> AdvanceUntilAsync(ICaseGrain grain, string id, string eventType, TimeSpan limit) =>
        AdvanceUntilAsync(fixture.Clock, grain, id, eventType, limit);

    private static async Task<(CaseSnapshot Case, DateTimeOffset At)> AdvanceUntilAsync(FakeTimeProvider clock, ICaseGrain grain, string id, string eventType, TimeSpan limit)
    {
        var until = clock.GetUtcNow() + limit;
        while (true)
        {
            var watched = Stopwatch.StartNew();
            IReadOnlyList<CaseEvent> history;
            do
            {
                TestCallers.EnterOperator();
                history = (await grain.GetHistoryAsync())?.Events ?? [];
                if (history.FirstOrDefault(e => e.Type == eventType) is { } found)
                {
                    return (found.Case, found.At);
                }

                await Task.Delay(PollInterval);
            }
            while (watched.Elapsed < ObservationWindow);

            Assert.True(clock.GetUtcNow() < until, $"case {id} did not record '{eventType}' by {until:O}; it has: {string.Join(", ", history.Select(e => e.Type))}");
            clock.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public async Task The_warning_comes_at_80_percent_and_the_escalation_at_the_deadline()
    {
        using var measurements = new Telemetry.GridGovMeasurements();
        TestCallers.EnterOperator();
        var (grain, id) = await DispatchedEmergencyAsync();
        var dispatched = (await grain.GetAsync())!;
        Assert.Equal(dispatched.DispatchedAt + TimeSpan.FromHours(2), dispatched.Deadline);

        // Advancing the clock runs due timers inline, and Orleans clears the RequestContext there: enter again after.
        fixture.Clock.Advance(TimeSpan.FromMinutes(90)); // 75 %: nothing yet
        TestCallers.EnterOperator();
        Assert.DoesNotContain((await grain.GetHistoryAsync())?.Events ?? [], e => e.Type == "warned");

        var (warned, warnedAt) = await AdvanceUntilAsync(grain, id, "warned", TimeSpan.FromMinutes(25));
        Assert.True(warnedAt >= dispatched.DispatchedAt!.Value + TimeSpan.FromMinutes(96), $"warned at {warnedAt:O}, before 80 %");
        Assert.True(warned.Warned);
        Assert.False(warned.Overdue);

        var (overdue, overdueAt) = await AdvanceUntilAsync(grain, id, "overdue", TimeSpan.FromMinutes(40));
        Assert.True(overdueAt >= dispatched.Deadline!.Value, $"overdue at {overdueAt:O}, before the deadline");
        Assert.True(overdue.Overdue);
        Assert.Equal(TerritoryLevel.Community, overdue.HandledAt);
        Assert.InRange(overdue.EscalatedAt!.Value, dispatched.Deadline!.Value, overdueAt);
        Assert.Equal(CaseState.Dispatched, overdue.State);
        Assert.Equal(1, measurements.Total("gridgov.cases.overdue", id[..6]));
        TestCallers.EnterOperator();
        Assert.Equal([new CaseSupervisor("s-c", "Supervisor")], (await grain.GetHistoryAsync())!.Events.Single(e => e.Type == "overdue").Supervisors);
    }

    [Fact]
    public async Task The_deadline_survives_the_silo_that_held_the_case_being_killed()
    {
        TestCallers.EnterOperator();
        var management = fixture.Cluster.Client.GetGrain<IManagementGrain>(0);

        // Dispatch emergencies until one lives on a silo other than the first (which hosts the test's membership).
        var primary = fixture.Cluster.Silos[0].SiloAddress;
        ICaseGrain grain;
        string id;
        SiloAddress host;
        var attempts = 0;
        do
        {
            (grain, id) = await DispatchedEmergencyAsync();
            var statistics = await management.GetDetailedGrainStatistics();
            host = statistics.Single(g => g.GrainId.ToString().Contains(id, StringComparison.Ordinal)).SiloAddress;
        }
        while (host.Equals(primary) && ++attempts < 20);
        Assert.NotEqual(primary, host);

        var dispatched = (await grain.GetAsync())!;
        await fixture.Cluster.KillAndAwaitNoticeAsync(fixture.Cluster.Silos.Single(s => s.SiloAddress.Equals(host)));
        TestCallers.EnterOperator();

        var (_, warnedAt) = await AdvanceUntilAsync(grain, id, "warned", TimeSpan.FromHours(2));
        Assert.True(warnedAt >= dispatched.DispatchedAt!.Value + TimeSpan.FromMinutes(96), $"warned at {warnedAt:O}, before 80 %");
        var (overdue, _) = await AdvanceUntilAsync(grain, id, "overdue", TimeSpan.FromHours(1));
        Assert.Equal(TerritoryLevel.Community, overdue.HandledAt);
    }

    [Theory]
    [InlineData(DatabaseKind.Sqlite)]
    [InlineData(DatabaseKind.PostgreSql)]
    public async Task The_deadline_survives_a_full_restart(DatabaseKind kind)
    {
        TestCallers.EnterOperator();
        await using var store = await MigratedStore.CreateAsync(kind);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var serviceId = "restart-" + Guid.NewGuid().ToString("N");
        string id;
        DateTimeOffset dispatchedAt;
        await using (var before = await FakeTimeClusterFixture.StartAsync(store, clock, serviceId))
        {
            var (grain, caseId) = await DispatchedEmergencyAsync(before.Client, clock);
            (id, dispatchedAt) = (caseId, (await grain.GetAsync())!.DispatchedAt!.Value);
        }

        // Every silo is gone; time passes; fresh silos on the same database pick the reminder up.
        clock.Advance(TimeSpan.FromMinutes(100));
        await using var after = await FakeTimeClusterFixture.StartAsync(store, clock, serviceId);
        TestCallers.EnterOperator();
        var (_, warnedAt) = await AdvanceUntilAsync(clock, after.Client.GetGrain<ICaseGrain>(id), id, "warned", TimeSpan.FromMinutes(30));
        Assert.True(warnedAt >= dispatchedAt + TimeSpan.FromMinutes(96), $"warned at {warnedAt:O}, before 80 %");
    }
}
