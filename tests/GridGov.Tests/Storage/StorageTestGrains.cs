using System.Collections.Concurrent;
using Orleans.Runtime;

namespace GridGov.Tests.Storage;

/// <summary>The state the persistence probes store.</summary>
[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)]
    public string Text { get; set; } = "";

    [Id(1)]
    public long Number { get; set; }

    [Id(2)]
    public List<string> Tags { get; set; } = [];

    [Id(3)]
    public DateTime When { get; set; }
}

/// <summary>What a probe grain reports about its persistent state.</summary>
[GenerateSerializer]
[Alias("GridGov.Tests.Storage.ProbeSnapshot")]
public sealed record ProbeSnapshot(
    [property: Id(0)] string Text,
    [property: Id(1)] long Number,
    [property: Id(2)] string[] Tags,
    [property: Id(3)] DateTime When,
    [property: Id(4)] string? ETag,
    [property: Id(5)] bool RecordExists);

/// <summary>A grain whose state lives in one of the ADO.NET storage providers under test.</summary>
public interface IStorageProbeGrain
{
    /// <summary>The state as currently held by the activation.</summary>
    Task<ProbeSnapshot> GetAsync();

    /// <summary>Re-reads the state from storage.</summary>
    Task<ProbeSnapshot> ReloadAsync();

    /// <summary>Replaces the state and writes it.</summary>
    Task<ProbeSnapshot> WriteAsync(string text, long number, string[] tags, DateTime when);

    /// <summary>ClearStateAsync.</summary>
    Task<ProbeSnapshot> ClearAsync();
}

/// <summary>Probe with a string key, stored in <see cref="StorageClusters.Storage"/>.</summary>
[Alias("GridGov.Tests.Storage.IStringKeyProbeGrain")]
public interface IStringKeyProbeGrain : IGrainWithStringKey, IStorageProbeGrain;

/// <summary>Probe with a Guid key plus a key extension, stored in <see cref="StorageClusters.Storage"/>.</summary>
[Alias("GridGov.Tests.Storage.IGuidCompoundProbeGrain")]
public interface IGuidCompoundProbeGrain : IGrainWithGuidCompoundKey, IStorageProbeGrain;

/// <summary>Probe with an integer key, stored in <see cref="StorageClusters.Storage"/>.</summary>
[Alias("GridGov.Tests.Storage.IIntegerKeyProbeGrain")]
public interface IIntegerKeyProbeGrain : IGrainWithIntegerKey, IStorageProbeGrain;

/// <summary>Probe with a string key, stored in <see cref="StorageClusters.DeletingStorage"/> (DeleteStateOnClear).</summary>
[Alias("GridGov.Tests.Storage.IDeletingProbeGrain")]
public interface IDeletingProbeGrain : IGrainWithStringKey, IStorageProbeGrain;

/// <summary>The shared behaviour of the probe grains.</summary>
public abstract class StorageProbeGrainBase(IPersistentState<ProbeState> state) : Grain, IStorageProbeGrain
{
    public Task<ProbeSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task<ProbeSnapshot> ReloadAsync()
    {
        await state.ReadStateAsync();
        return Snapshot();
    }

    public async Task<ProbeSnapshot> WriteAsync(string text, long number, string[] tags, DateTime when)
    {
        state.State = new ProbeState { Text = text, Number = number, Tags = [.. tags], When = when };
        await state.WriteStateAsync();
        return Snapshot();
    }

    public async Task<ProbeSnapshot> ClearAsync()
    {
        await state.ClearStateAsync();
        return Snapshot();
    }

    private ProbeSnapshot Snapshot() =>
        new(state.State.Text, state.State.Number, [.. state.State.Tags], state.State.When, state.Etag, state.RecordExists);
}

public sealed class StringKeyProbeGrain([PersistentState("probe", StorageClusters.Storage)] IPersistentState<ProbeState> state)
    : StorageProbeGrainBase(state), IStringKeyProbeGrain;

public sealed class GuidCompoundProbeGrain([PersistentState("probe", StorageClusters.Storage)] IPersistentState<ProbeState> state)
    : StorageProbeGrainBase(state), IGuidCompoundProbeGrain;

public sealed class IntegerKeyProbeGrain([PersistentState("probe", StorageClusters.Storage)] IPersistentState<ProbeState> state)
    : StorageProbeGrainBase(state), IIntegerKeyProbeGrain;

public sealed class DeletingProbeGrain([PersistentState("probe", StorageClusters.DeletingStorage)] IPersistentState<ProbeState> state)
    : StorageProbeGrainBase(state), IDeletingProbeGrain;

/// <summary>A grain that registers reminders (in the ADO.NET reminder table) and counts their ticks.</summary>
[Alias("GridGov.Tests.Storage.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period);

    Task<string[]> ListAsync();

    Task UnregisterAsync(string name);
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public async Task RegisterAsync(string name, TimeSpan dueTime, TimeSpan period) =>
        await this.RegisterOrUpdateReminder(name, dueTime, period);

    public async Task<string[]> ListAsync()
    {
        var reminders = await this.GetReminders();
        return [.. reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal)];
    }

    public async Task UnregisterAsync(string name)
    {
        var reminder = await this.GetReminder(name) ?? throw new InvalidOperationException($"No reminder '{name}'.");
        await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.Record(this.GetPrimaryKeyString(), reminderName);
        return Task.CompletedTask;
    }
}

/// <summary>Reminder ticks received by <see cref="ReminderProbeGrain"/> (silos run in-process, so tests can read them).</summary>
public static class ReminderTicks
{
    private static readonly ConcurrentDictionary<string, int> Ticks = new(StringComparer.Ordinal);

    public static void Record(string grainKey, string reminderName) =>
        Ticks.AddOrUpdate(grainKey + "/" + reminderName, 1, (_, n) => n + 1);

    public static int Count(string grainKey, string reminderName) =>
        Ticks.TryGetValue(grainKey + "/" + reminderName, out var n) ? n : 0;
}

/// <summary>Tells which silo served a call (for the clustering test).</summary>
[Alias("GridGov.Tests.Storage.IClusterProbeGrain")]
public interface IClusterProbeGrain : IGrainWithStringKey
{
    Task<string> WhereAsync();
}

public sealed class ClusterProbeGrain : Grain, IClusterProbeGrain
{
    public Task<string> WhereAsync() => Task.FromResult(RuntimeIdentity);
}
