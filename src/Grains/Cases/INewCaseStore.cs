using Orleans.Storage;

namespace GridGov.Grains.Cases;

/// <summary>
/// Where case reception writes a new case's first state: under the case grain's id and state name, exactly as the
/// grain's storage would, and only if no state is stored there yet.
/// </summary>
public interface INewCaseStore
{
    /// <summary>
    /// Stores the state as version 1 and answers it as inserted; when the grain has a stored state already, writes
    /// nothing and answers what is stored (its default when the grain's state was cleared).
    /// </summary>
    Task<NewCaseWrite<T>> TryInsertAsync<T>(GrainId grain, string stateName, T state);
}

/// <summary>What a new case's write left stored: its own state (<paramref name="Inserted"/>) or the one stored before.</summary>
public readonly record struct NewCaseWrite<T>(bool Inserted, T? Stored);

/// <summary>One write per case through the grain storage itself, for grain ids <c>OrleansStorageRows</c> does not lay out.</summary>
public sealed class GrainStorageNewCaseStore(IGrainStorage storage) : INewCaseStore
{
    public async Task<NewCaseWrite<T>> TryInsertAsync<T>(GrainId grain, string stateName, T state)
    {
        try
        {
            await storage.WriteStateAsync(stateName, grain, new GrainState<T>(state));
            return new(true, state);
        }
        catch (InconsistentStateException)
        {
            var stored = new GrainState<T>();
            await storage.ReadStateAsync(stateName, grain, stored);
            return new(false, stored.RecordExists ? stored.State : default);
        }
    }
}
