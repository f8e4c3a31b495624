using GridGov.Contracts.People;

namespace GridGov.Grains.People;

/// <summary>
/// A deletion that has been decided (the commit point) but whose steps are not all done yet. Every step after it is
/// idempotent, so a repeated request, the next activation, or the workflow grain that owns the deletion finishes it.
/// </summary>
[GenerateSerializer, Immutable, Alias("gridgov.pending-deletion")]
internal sealed record PendingDeletion([property: Id(0)] DateTimeOffset At, [property: Id(1)] string Actor);

/// <summary>A grain state that can hold a decided deletion.</summary>
internal interface IDeletableState
{
    PendingDeletion? Deletion { get; set; }
}

internal static class DeletionSteps
{
    /// <summary>Records the decision to delete; a decision that could not be written is not kept in memory either.</summary>
    public static async Task DecideDeletionAsync<TState>(this IPersistentState<TState> state, DateTimeOffset at, string actor)
        where TState : IDeletableState
    {
        state.State.Deletion = new PendingDeletion(at, actor);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Deletion = null;
            throw;
        }
    }
}
