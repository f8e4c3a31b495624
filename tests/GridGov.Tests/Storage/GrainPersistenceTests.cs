using GridGov.Hosting.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace GridGov.Tests.Storage;

/// <summary>The ADO.NET grain storage provider, running in real silos, against GridGov's migrated schema.</summary>
public abstract class GrainPersistenceTests(DatabaseKind kind)
{
    private const string ProbeGrainType = "GridGov.Tests.Storage.DirectProbe";

    [Fact]
    public async Task State_written_before_all_silos_stop_is_read_back_identical_by_a_fresh_cluster()
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var serviceId = "svc-" + Guid.NewGuid().ToString("N");
        var stringKey = "probe/" + Guid.NewGuid().ToString("N");
        var guidKey = Guid.NewGuid();
        var extension = "ext-" + Guid.NewGuid().ToString("N");
        var integerKey = Random.Shared.NextInt64(1, long.MaxValue);
        var when = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddTicks(1_234_567);

        ProbeSnapshot written, writtenGuid, writtenInteger;
        var first = await StorageClusters.StartAsync(store, serviceId);
        try
        {
            var grain = first.Client.GetGrain<IStringKeyProbeGrain>(stringKey);
            var initial = await grain.GetAsync();
            Assert.False(initial.RecordExists);
            Assert.Null(initial.ETag);

            await grain.WriteAsync("first", 1, ["a"], when);
            written = await grain.WriteAsync("second ünïcødé", 42, ["x", "y", "z"], when);
            writtenGuid = await first.Client.GetGrain<IGuidCompoundProbeGrain>(guidKey, extension).WriteAsync("guid", -7, [], when);
            writtenInteger = await first.Client.GetGrain<IIntegerKeyProbeGrain>(integerKey).WriteAsync("integer", long.MaxValue, ["i"], when);
        }
        finally
        {
            await StorageClusters.StopAsync(first);
        }

        Assert.Equal("2", written.ETag);
        Assert.Equal("1", writtenGuid.ETag);
        Assert.Equal("1", writtenInteger.ETag);

        var second = await StorageClusters.StartAsync(store, serviceId);
        try
        {
            AssertSameState(written, await second.Client.GetGrain<IStringKeyProbeGrain>(stringKey).GetAsync());
            AssertSameState(writtenGuid, await second.Client.GetGrain<IGuidCompoundProbeGrain>(guidKey, extension).GetAsync());
            AssertSameState(writtenInteger, await second.Client.GetGrain<IIntegerKeyProbeGrain>(integerKey).GetAsync());

            // Same Guid, other key extension: a different grain, with no state.
            var sibling = await second.Client.GetGrain<IGuidCompoundProbeGrain>(guidKey, extension + "-other").GetAsync();
            Assert.False(sibling.RecordExists);
            Assert.Null(sibling.ETag);

            // The state keeps versioning across the restart.
            var rewritten = await second.Client.GetGrain<IStringKeyProbeGrain>(stringKey).WriteAsync("third", 43, [], when);
            Assert.Equal("3", rewritten.ETag);
        }
        finally
        {
            await StorageClusters.StopAsync(second);
        }

        Assert.Equal(3, await store.ScalarAsync("SELECT COUNT(*) FROM orleans_storage WHERE service_id = @s", ("@s", serviceId)));
    }

    [Fact]
    public async Task Stale_etags_and_racing_first_writes_are_refused_with_InconsistentStateException()
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var cluster = await StorageClusters.StartAsync(store, "svc-" + Guid.NewGuid().ToString("N"));
        try
        {
            var storage = cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageClusters.Storage);
            var deleting = cluster.GetSiloServiceProvider().GetRequiredKeyedService<IGrainStorage>(StorageClusters.DeletingStorage);
            var grainId = GrainId.Create("probe", Guid.NewGuid().ToString("N"));

            // Several activations racing to create the same grain's first state: exactly one may win.
            var racers = Enumerable.Range(0, 8).Select(i => new GrainState<ProbeState> { State = new ProbeState { Number = i } }).ToArray();
            var outcomes = await Task.WhenAll(racers.Select(async racer =>
            {
                try
                {
                    await storage.WriteStateAsync(ProbeGrainType, grainId, racer);
                    return true;
                }
                catch (InconsistentStateException)
                {
                    return false;
                }
            }));
            Assert.Single(outcomes, won => won);
            var winner = racers[Array.IndexOf(outcomes, true)];
            Assert.Equal("1", winner.ETag);

            var copy = await ReadAsync(storage, grainId);
            Assert.True(copy.RecordExists);
            Assert.Equal("1", copy.ETag);
            Assert.Equal(winner.State!.Number, copy.State!.Number);

            // The winner moves on to version 2; the copy still holds version 1.
            winner.State!.Text = "winner";
            await storage.WriteStateAsync(ProbeGrainType, grainId, winner);
            Assert.Equal("2", winner.ETag);

            copy.State!.Text = "stale";
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(ProbeGrainType, grainId, copy));
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(
                ProbeGrainType, grainId, new GrainState<ProbeState> { State = new ProbeState { Text = "no etag" } }));
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(ProbeGrainType, grainId, copy));
            await Assert.ThrowsAsync<InconsistentStateException>(() => deleting.ClearStateAsync(ProbeGrainType, grainId, copy));

            var current = await ReadAsync(storage, grainId);
            Assert.Equal("2", current.ETag);
            Assert.Equal("winner", current.State!.Text);

            // With the current ETag the delete-on-clear provider removes the row; old ETags stay refused afterwards.
            await deleting.ClearStateAsync(ProbeGrainType, grainId, winner);
            Assert.Null(winner.ETag);
            Assert.False(winner.RecordExists);
            Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM orleans_storage"));
            await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(ProbeGrainType, grainId, current));
            Assert.Equal(0, await store.ScalarAsync("SELECT COUNT(*) FROM orleans_storage"));
        }
        finally
        {
            await StorageClusters.StopAsync(cluster);
        }
    }

    [Fact]
    public async Task A_grain_writing_over_a_change_made_elsewhere_gets_InconsistentStateException()
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var cluster = await StorageClusters.StartAsync(store, "svc-" + Guid.NewGuid().ToString("N"));
        try
        {
            var when = DateTime.UtcNow;
            var grain = cluster.Client.GetGrain<IStringKeyProbeGrain>("stale/" + Guid.NewGuid().ToString("N"));
            Assert.Equal("1", (await grain.WriteAsync("mine", 1, [], when)).ETag);

            // Another writer (a split-brain twin, an operator) changes the row behind the activation's back.
            Assert.Equal(1, await store.ExecuteAsync("UPDATE orleans_storage SET version = version + 1"));

            await Assert.ThrowsAsync<InconsistentStateException>(() => grain.WriteAsync("lost update", 2, [], when));
        }
        finally
        {
            await StorageClusters.StopAsync(cluster);
        }
    }

    [Fact]
    public async Task ClearStateAsync_resets_the_state_and_later_writes_succeed()
    {
        await using var store = await MigratedStore.CreateAsync(kind);
        var cluster = await StorageClusters.StartAsync(store, "svc-" + Guid.NewGuid().ToString("N"));
        try
        {
            var when = DateTime.UtcNow;

            // Keeping provider: the row stays (NULL payload) and the version keeps counting.
            var key = "clear/" + Guid.NewGuid().ToString("N");
            var grain = cluster.Client.GetGrain<IStringKeyProbeGrain>(key);
            await grain.WriteAsync("before clear", 5, ["t"], when);
            var cleared = await grain.ClearAsync();
            Assert.False(cleared.RecordExists);
            Assert.Equal("2", cleared.ETag);
            Assert.Equal("", cleared.Text);
            Assert.Equal(0, cleared.Number);
            Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM orleans_storage WHERE payload IS NULL"));

            var reloaded = await grain.ReloadAsync();
            Assert.False(reloaded.RecordExists);
            Assert.Equal("2", reloaded.ETag);
            Assert.Equal("", reloaded.Text);

            var rewritten = await grain.WriteAsync("after clear", 6, [], when);
            Assert.True(rewritten.RecordExists);
            Assert.Equal("3", rewritten.ETag);
            AssertSameState(rewritten, await grain.ReloadAsync());

            // Delete-on-clear provider: the row goes away and the next write starts again at version 1.
            var deletingGrain = cluster.Client.GetGrain<IDeletingProbeGrain>("delete/" + Guid.NewGuid().ToString("N"));
            await deletingGrain.WriteAsync("before delete", 7, [], when);
            var deleted = await deletingGrain.ClearAsync();
            Assert.False(deleted.RecordExists);
            Assert.Null(deleted.ETag);
            Assert.Equal(1, await store.ScalarAsync("SELECT COUNT(*) FROM orleans_storage"));

            var afterDelete = await deletingGrain.ReloadAsync();
            Assert.False(afterDelete.RecordExists);
            Assert.Null(afterDelete.ETag);

            var recreated = await deletingGrain.WriteAsync("after delete", 8, ["again"], when);
            Assert.Equal("1", recreated.ETag);
            AssertSameState(recreated, await deletingGrain.ReloadAsync());
        }
        finally
        {
            await StorageClusters.StopAsync(cluster);
        }
    }

    private static async Task<GrainState<ProbeState>> ReadAsync(IGrainStorage storage, GrainId grainId)
    {
        var state = new GrainState<ProbeState> { State = new ProbeState() };
        await storage.ReadStateAsync(ProbeGrainType, grainId, state);
        return state;
    }

    private static void AssertSameState(ProbeSnapshot expected, ProbeSnapshot actual)
    {
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.Number, actual.Number);
        Assert.Equal(expected.Tags, actual.Tags);
        Assert.Equal(expected.When, actual.When);
        Assert.Equal(expected.When.Kind, actual.When.Kind);
        Assert.Equal(expected.ETag, actual.ETag);
        Assert.True(actual.RecordExists);
    }
}

public sealed class PostgresGrainPersistenceTests() : GrainPersistenceTests(DatabaseKind.PostgreSql);

public sealed class SqliteGrainPersistenceTests() : GrainPersistenceTests(DatabaseKind.Sqlite);
