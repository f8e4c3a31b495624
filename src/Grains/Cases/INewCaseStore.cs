using Orleans.Storage;

namespace GridGov.Grains.Cases;

/// <summary>
/// Where case reception writes a new case's first state: under the case grain's id and state name, exactly as the
/// grain's storage would, and only if no state is stored there yet.
/// </summary>
public interface INewCaseStore
{
    /// <summary>Stores the state as version 1; false, writing nothing, when the grain already has a stored state.</summary>
    Task<bool> TryInsertAsync<T>(GrainId grain, string stateName, T state);
}

/// <summary>The plain way: one write per case through the grain storage itself (SQLite, and grain ids the batched way does not cover).</summary>
public sealed class GrainStorageNewCaseStore(IGrainStorage storage) : INewCaseStore
{
    public async Task<bool> TryInsertAsync<T>(GrainId grain, string stateName, T state)
    {
        try
        {
            await storage.WriteStateAsync(stateName, grain, new GrainState<T>(state));
            return true;
        }
        catch (InconsistentStateException)
        {
            return false;
        }
    }
}
